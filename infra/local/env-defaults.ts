// Imported first by the local entry points, before any module reads these at load time.
// Node 20 runs the pinned SDK fine; its notice about future releases is noise for a local tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// CloudWatch EMF metric lines mean nothing on one machine.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
export {};
