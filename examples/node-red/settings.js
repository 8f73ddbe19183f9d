// Node-RED settings for the example flow: loopback only, no editor login (it is bound to 127.0.0.1), and the
// broker credentials read from flows_cred.json in plain JSON (credentialSecret false) so that they can be
// written from environment variables by a deployment script. Use a credentialSecret in production.
module.exports = {
    uiHost: process.env.NODE_RED_HOST || "127.0.0.1",
    uiPort: parseInt(process.env.NODE_RED_PORT || "1880", 10),
    flowFile: "flows.json",
    credentialSecret: false,
    flowFilePretty: true,
    logging: { console: { level: "info", metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    externalModules: { autoInstall: false, palette: { allowInstall: false } }
};
