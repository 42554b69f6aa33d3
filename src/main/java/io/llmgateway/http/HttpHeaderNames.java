package io.llmgateway.http;

/** Header names of Streamable HTTP and OAuth that the gateway reads or writes. */
final class HttpHeaderNames {
    static final String MCP_SESSION_ID = "Mcp-Session-Id";
    static final String MCP_PROTOCOL_VERSION = "MCP-Protocol-Version";
    static final String AUTHORIZATION = "Authorization";
    static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    static final String ORIGIN = "Origin";

    private HttpHeaderNames() {}
}
