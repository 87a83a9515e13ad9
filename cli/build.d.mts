/** cli/build.mjs: bundles the CLI into cli/dist/travellog.mjs; resolves to that path. */
export declare const OUT_FILE: string;
export declare const buildCli: () => Promise<string>;
