// Imported first by main.ts (before any SDK or Powertools module reads the environment).
// An explicit setting always wins.

// The AWS SDK's "node >= 22 soon" notice is about this machine's Node (20, as the project
// supports), not about the functions (nodejs22.x on Lambda); it would push the banner off screen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Powertools Metrics writes one EMF JSON document per invocation for CloudWatch; on a terminal
// they bury the request lines. POWERTOOLS_METRICS_DISABLED=false npm start shows them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
