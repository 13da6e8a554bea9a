/**
 * What the gateway hands graphql-ws for one text frame: the parsed message, or the text itself
 * when it is not a JSON object (graphql-ws then refuses it exactly as before). graphql-ws's
 * message parser takes an already parsed message and validates it the same way; handing it the
 * parsed object means the raw frame text is not kept alive by a subscription (graphql-ws keeps
 * each `subscribe` message for as long as its subscription runs; its query text is the
 * DocumentCache's shared copy, see graphql-ws-hooks.ts).
 */
export function parsedFrame(text: string): unknown {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return text;
  }
  return typeof message === 'object' && message !== null ? message : text;
}
