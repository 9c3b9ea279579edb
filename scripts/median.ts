/** The median of benchmark samples (the upper middle one for an even count), shared by the bench scripts. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
