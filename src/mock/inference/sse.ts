/** `data: <json>\n\n`, the chat-completions SSE framing. */
export const sseData = (json: string): string => `data: ${json}\n\n`;

/** `event: <type>\ndata: <json>\n\n`, the Responses API framing. */
export const sseEvent = (type: string, json: string): string => `event: ${type}\ndata: ${json}\n\n`;

export const SSE_DONE = 'data: [DONE]\n\n';
