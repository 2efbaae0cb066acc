// A scripted OpenAI Chat Completions server for the Claude Code check (loopback only, no dependencies).
// - A turn that ends with tool results: answers "The tool printed: <tool output>".
// - A user turn containing BRIDGE_RUN[<command>] while a Bash tool is offered: calls Bash with <command>.
// - Anything else (titles, plain prompts): answers "BRIDGE_OK from the fake upstream".
// Streams when asked (with a usage chunk), answers plain JSON otherwise. Prints {"port": N} once listening.
// It also answers as the Anthropic Messages API on /v1/messages (and /v1/messages/count_tokens), so every
// row of the README's direction table can be tried against it, and as the OpenAI Responses API on /v1/responses:
// there it reasons (a summary and an encrypted_content it can recognise) before calling Bash, and on the tool-result
// turn it says REASONING_RETURNED when its own reasoning item came back in the input, in front of the call.
// And as Claude's two cloud doors: Amazon Bedrock (/model/{id}/invoke[-with-response-stream], a SigV4 Authorization
// header required, streams in AWS event-stream framing) and Google Vertex AI (.../publishers/anthropic/models/
// {model}:rawPredict|:streamRawPredict, a bearer token required that its /token endpoint hands out for a
// service-account JWT); each checks the anthropic_version its cloud wants.
import http from 'node:http';

const VERTEX_TOKEN = 'ya29.fake-check-token';

// CRC-32 (IEEE), for AWS event-stream framing.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

// One event-stream message: prelude (total length, headers length, prelude CRC), string headers, payload, message CRC.
function eventStreamMessage(headers, payload) {
  const parts = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name); const v = Buffer.from(value);
    const len = Buffer.alloc(2); len.writeUInt16BE(v.length);
    parts.push(Buffer.from([n.length]), n, Buffer.from([7]), len, v);
  }
  const headerBytes = Buffer.concat(parts);
  const total = 16 + headerBytes.length + payload.length;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0); prelude.writeUInt32BE(headerBytes.length, 4); prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const body = Buffer.concat([prelude, headerBytes, payload]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([body, crc]);
}

const bedrockChunk = (json) => eventStreamMessage(
  { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' },
  Buffer.from(JSON.stringify({ bytes: Buffer.from(json).toString('base64') })));

const port = Number(process.argv[2] ?? 0);

const textOf = (content) =>
  typeof content === 'string' ? content
  : Array.isArray(content) ? content.filter((p) => p.type === 'text').map((p) => p.text).join('\n')
  : '';

function decide(request) {
  const messages = request.messages ?? [];
  let lastAssistant = -1;
  messages.forEach((m, i) => { if (m.role === 'assistant') lastAssistant = i; });
  const toolResults = messages.slice(lastAssistant + 1).filter((m) => m.role === 'tool');
  if (lastAssistant >= 0 && toolResults.length > 0) {
    return { text: 'The tool printed: ' + toolResults.map((m) => textOf(m.content).trim()).join(' | ') };
  }
  const userText = messages.filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');
  const run = userText.match(/BRIDGE_RUN\[(.+?)\]/);
  const tool = run && shellCall((request.tools ?? []).map((t) => t.function?.name), run[1]);
  if (tool) return { tool };
  return { text: 'BRIDGE_OK from the fake upstream' };
}

// Claude Code's shell tool is Bash {command}; Codex's is exec_command {cmd}. Null when neither is offered.
function shellCall(toolNames, command) {
  if (toolNames.includes('Bash')) return { name: 'Bash', arguments: JSON.stringify({ command, description: 'Run the requested command' }) };
  if (toolNames.includes('exec_command')) return { name: 'exec_command', arguments: JSON.stringify({ cmd: command }) };
  return null;
}

const server = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  if (req.method === 'POST' && req.url.startsWith('/v1/messages')) {
    answerAnthropic(req, res, JSON.parse(body));
    return;
  }
  if (req.method === 'POST' && req.url.startsWith('/model/')) {
    const request = JSON.parse(body);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=') || !req.headers['x-amz-date']
        || request.anthropic_version !== 'bedrock-2023-05-31' || 'model' in request) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'missing SigV4 signature or not a Bedrock body' }));
      return;
    }
    answerAnthropic(req, res, { ...request, stream: req.url.endsWith('/invoke-with-response-stream') }, 'Bedrock');
    return;
  }
  if (req.method === 'POST' && req.url === '/token') {
    const ok = body.includes('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer') && body.includes('assertion=');
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { access_token: VERTEX_TOKEN, expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_grant' }));
    return;
  }
  if (req.method === 'POST' && req.url.includes('/publishers/anthropic/models/')) {
    const request = JSON.parse(body);
    if (req.headers.authorization !== `Bearer ${VERTEX_TOKEN}` || request.anthropic_version !== 'vertex-2023-10-16' || 'model' in request) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 401, message: 'missing token or not a Vertex body', status: 'UNAUTHENTICATED' } }));
      return;
    }
    answerAnthropic(req, res, { ...request, stream: req.url.endsWith(':streamRawPredict') }, 'Vertex');
    return;
  }
  if (req.method === 'POST' && req.url.startsWith('/v1/responses')) {
    answerResponses(res, JSON.parse(body), body.length);
    return;
  }
  if (req.method !== 'POST' || !req.url.includes('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
    return;
  }
  const request = JSON.parse(body);
  const answer = decide(request);
  const id = 'chatcmpl-fake' + Date.now();
  const usage = { prompt_tokens: Math.ceil(body.length / 4), completion_tokens: 12, total_tokens: Math.ceil(body.length / 4) + 12 };
  const finish = answer.tool ? 'tool_calls' : 'stop';
  const toolCall = answer.tool && { index: 0, id: 'call_fake_1', type: 'function', function: answer.tool };

  if (!request.stream) {
    const message = answer.tool ? { role: 'assistant', content: null, tool_calls: [{ id: toolCall.id, type: 'function', function: answer.tool }] }
                                : { role: 'assistant', content: answer.text };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, message, finish_reason: finish }], usage }));
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (choices, extra = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: request.model, choices, ...extra })}\n\n`);
  if (answer.tool) {
    send([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ ...toolCall, function: { name: answer.tool.name, arguments: '' } }] }, finish_reason: null }]);
    const args = answer.tool.arguments;
    const half = Math.floor(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) {
      send([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, finish_reason: null }]);
    }
  } else {
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const word of answer.text.split(/(?= )/)) send([{ index: 0, delta: { content: word }, finish_reason: null }]);
  }
  send([{ index: 0, delta: {}, finish_reason: finish }]);
  if (request.stream_options?.include_usage) send([], { usage });
  res.end('data: [DONE]\n\n');
});

function decideAnthropic(request, label) {
  const messages = request.messages ?? [];
  const last = messages[messages.length - 1];
  const results = Array.isArray(last?.content) ? last.content.filter((b) => b.type === 'tool_result') : [];
  if (results.length > 0) {
    const text = results.map((r) => (typeof r.content === 'string' ? r.content : textOf(r.content)).trim()).join(' | ');
    return { text: 'The tool printed: ' + text };
  }
  const userText = messages.filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');
  const run = userText.match(/BRIDGE_RUN\[(.+?)\]/);
  const tool = run && shellCall((request.tools ?? []).map((t) => t.name), run[1]);
  return tool ? { tool } : { text: `BRIDGE_OK from the fake ${label} upstream` };
}

function answerAnthropic(req, res, request, label = 'Anthropic') {
  if (req.url.startsWith('/v1/messages/count_tokens')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ input_tokens: Math.ceil(JSON.stringify(request.messages).length / 4) }));
    return;
  }
  const answer = decideAnthropic(request, label);
  // Bedrock frames each event in AWS event-stream; everyone else sends SSE.
  const bedrock = label === 'Bedrock';
  const open = () => res.writeHead(200, { 'content-type': bedrock ? 'application/vnd.amazon.eventstream' : 'text/event-stream; charset=utf-8' });
  const emit = (type, data) => {
    const json = JSON.stringify({ type, ...data });
    res.write(bedrock ? bedrockChunk(json) : `event: ${type}\ndata: ${json}\n\n`);
  };
  const text = answer.text;
  const usage = { input_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 9 };
  const message = { id: 'msg_fake01', type: 'message', role: 'assistant', model: request.model, content: [], stop_reason: null, stop_sequence: null, usage };
  const toolUse = answer.tool && { type: 'tool_use', id: 'toolu_fake01', name: answer.tool.name, input: JSON.parse(answer.tool.arguments) };
  if (!request.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...message, content: [toolUse ?? { type: 'text', text }], stop_reason: toolUse ? 'tool_use' : 'end_turn' }));
    return;
  }
  if (toolUse) {
    open();
    const ev = emit;
    ev('message_start', { message });
    ev('content_block_start', { index: 0, content_block: { ...toolUse, input: {} } });
    ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: answer.tool.arguments } });
    ev('content_block_stop', { index: 0 });
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } });
    ev('message_stop', {});
    res.end();
    return;
  }
  open();
  const event = emit;
  event('message_start', { message });
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (const word of text.split(/(?= )/)) event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } });
  event('message_stop', {});
  res.end();
}

const ENCRYPTED = 'fake-encrypted-reasoning-7f3a';

function decideResponses(request) {
  const input = typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : request.input ?? [];
  let lastUser = -1;
  input.forEach((item, i) => { if ((item.type ?? 'message') === 'message' && item.role === 'user') lastUser = i; });
  const after = input.slice(lastUser + 1);
  const outputs = after.filter((i) => i.type === 'function_call_output');
  if (outputs.length > 0) {
    const reasoning = after.findIndex((i) => i.type === 'reasoning' && i.encrypted_content === ENCRYPTED);
    const call = after.findIndex((i) => i.type === 'function_call');
    const returned = reasoning >= 0 && call > reasoning ? ' REASONING_RETURNED' : ' REASONING_MISSING';
    const text = outputs.map((o) => (typeof o.output === 'string' ? o.output : JSON.stringify(o.output)).trim()).join(' | ');
    return { text: 'The tool printed: ' + text + returned };
  }
  const userText = input.filter((i) => i.role === 'user').map((i) => textOf(i.content) + (Array.isArray(i.content) ? i.content.filter((p) => p.type === 'input_text').map((p) => p.text).join('\n') : '')).join('\n');
  const run = userText.match(/BRIDGE_RUN\[(.+?)\]/);
  const tool = run && shellCall((request.tools ?? []).filter((t) => t.type === 'function').map((t) => t.name), run[1]);
  if (tool) return { reason: true, tool };
  return { reason: !!request.reasoning, text: 'BRIDGE_OK from the fake Responses upstream' };
}

function answerResponses(res, request, size) {
  const answer = decideResponses(request);
  const id = 'resp_fake' + Date.now();
  const usage = { input_tokens: Math.ceil(size / 4), input_tokens_details: { cached_tokens: 0 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: Math.ceil(size / 4) + 12 };
  const items = [];
  if (answer.reason) items.push({ id: 'rs_fake1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Deciding what to do.' }], encrypted_content: ENCRYPTED });
  if (answer.tool) items.push({ id: 'fc_fake1', type: 'function_call', status: 'completed', call_id: 'call_fake_1', ...answer.tool });
  else items.push({ id: 'msg_fake1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: answer.text, annotations: [] }] });
  const response = { id, object: 'response', created_at: 1, status: 'completed', model: request.model, output: items, usage };
  if (!request.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let seq = 0;
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  event('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  items.forEach((item, index) => {
    if (item.type === 'reasoning') {
      event('response.output_item.added', { output_index: index, item: { id: item.id, type: 'reasoning', summary: [] } });
      event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: index, summary_index: 0, delta: item.summary[0].text });
    } else if (item.type === 'function_call') {
      event('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
      const half = Math.floor(item.arguments.length / 2);
      for (const part of [item.arguments.slice(0, half), item.arguments.slice(half)]) {
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: part });
      }
    } else {
      event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
      for (const word of answer.text.split(/(?= )/)) event('response.output_text.delta', { item_id: item.id, output_index: index, content_index: 0, delta: word });
    }
    event('response.output_item.done', { output_index: index, item });
  });
  event('response.completed', { response });
  res.end();
}

server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
