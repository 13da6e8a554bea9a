import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './playground.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

// Same origin only: the page is served by the API it talks to.
const url = new URL('/graphql', window.location.href).toString();
const subscriptionUrl = url.replace(/^http/, 'ws');

// The toolkit sends the header editor's JSON as graphql-ws connectionParams, which is where
// the API reads `authorization` for subscriptions.
const fetcher = createGraphiQLFetcher({ url, subscriptionUrl });

const defaultHeaders = JSON.stringify({ authorization: 'Bearer <token>' }, null, 2);

const defaultQuery = `# Chatter GraphQL playground (offline GraphiQL).
#
# 1. Run requestLoginCode, then verifyLoginCode with the code you received
#    (with the log SMS sender it is printed in the server log).
# 2. Put the accessToken in the Headers tab: {"authorization": "Bearer <token>"}.
#    Subscriptions send the same headers as WebSocket connectionParams.

query Me {
  me {
    id
    name
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={defaultQuery}
      defaultHeaders={defaultHeaders}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
