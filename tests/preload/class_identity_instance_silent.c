/* SPDX-License-Identifier: MIT */
/*
 * class_identity_instance_silent.c - class_identity_reported.c under the
 * default identity=instance: each account is a lock of its own, locked in
 * one order only, so there is no cycle and no report.
 *
 * EXPECT options=identity=instance
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include "class_identity_reported.c"
