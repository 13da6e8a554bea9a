'use strict';
// Bench-only stand-in for @as-integrations/express5 (needed by @nestjs/apollo on
// Express), loaded through NODE_PATH only when the real package is missing. It does
// what that integration does: hand the request to Apollo Server's
// executeHTTPGraphQLRequest and write the HTTP response it returns.
const { HeaderMap } = require('@apollo/server');

function expressMiddleware(server, options) {
  server.assertStarted('expressMiddleware()');
  const context = (options && options.context) || (async () => ({}));
  return (req, res, next) => {
    if (!req.body) {
      res
        .status(500)
        .send('req.body is not set; JSON body parsing must run before the GraphQL middleware');
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search: new URL(req.url, 'http://localhost').search,
      body: req.body,
    };
    server
      .executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context({ req, res }) })
      .then(async (httpGraphQLResponse) => {
        for (const [key, value] of httpGraphQLResponse.headers) res.setHeader(key, value);
        res.statusCode = httpGraphQLResponse.status || 200;
        if (httpGraphQLResponse.body.kind === 'complete') {
          res.send(httpGraphQLResponse.body.string);
          return;
        }
        for await (const chunk of httpGraphQLResponse.body.asyncIterator) {
          res.write(chunk);
          if (typeof res.flush === 'function') res.flush();
        }
        res.end();
      })
      .catch(next);
  };
}

module.exports = { expressMiddleware };
