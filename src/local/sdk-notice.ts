// Imported first by main.ts: the AWS SDK's "node >= 22 soon" notice is about this machine's Node
// (20, as the project supports), not about the functions (nodejs22.x on Lambda); it would push the
// start banner off the screen. An explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
