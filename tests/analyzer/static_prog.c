/* SPDX-License-Identifier: MIT */
/* static_prog.c - linked statically: `coffman run` must refuse it, as
 * the loader that would preload the runtime never runs. */
int main(void)
{
	return 0;
}
