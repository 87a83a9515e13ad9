/** The model's input is 1×512×512×3 (RGB, 0–255); boxes come back in the same 512-px space. */
export const INPUT_SIZE = 512;
