import { performance } from 'node:perf_hooks';
import { CHAT_HISTORY_LIMIT, ChatLog } from '../src/client/chat-log.js';
import { median } from './stats.js';

/**
 * The chat log under a long session: `history` messages first, then 1000 bot replies of
 * 20 streamed tokens each, reading `all` after every change as the client does when it
 * emits `messagesChange`. Prints the median time per 1000 replies over `rounds` runs.
 * Run: npx tsx bench/chat-log.ts [history] [rounds]
 */
function run(history: number): number {
  const log = new ChatLog();
  for (let i = 0; i < history; i++) log.addUserText(`message ${i}`);
  const start = performance.now();
  for (let reply = 0; reply < 1_000; reply++) {
    log.apply({ type: 'bot-llm-started', data: {} });
    void log.all;
    for (let t = 0; t < 20; t++) {
      log.apply({ type: 'bot-llm-text', data: { text: 'token ' } });
      void log.all;
    }
    log.apply({ type: 'bot-llm-stopped', data: {} });
    void log.all;
  }
  return performance.now() - start;
}

const history = Number(process.argv[2] ?? 8_000);
const rounds = Number(process.argv[3] ?? 10);
run(history); // warm-up
const times = Array.from({ length: rounds }, () => run(history));
console.log(`chat log, ${history} messages before, 1000 replies x 20 tokens: median ${median(times).toFixed(1)} ms (${rounds} runs; the log keeps its newest ${CHAT_HISTORY_LIMIT})`);
