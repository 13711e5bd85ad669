// Writes docs/messages.md from src/obs/messages.ts, the one catalogue of log event IDs.
// Run: node --import tsx scripts/gen-messages-doc.ts
import { writeFileSync } from 'node:fs';
import { MESSAGES } from '../src/obs/index.ts';

const rows = Object.entries(MESSAGES).map(([id, m]) => `| \`${id}\` | ${m.level} | ${m.text} |`);
writeFileSync(new URL('../docs/messages.md', import.meta.url), `# Log events

Every log line names one event ID (Kea's \`<AREA>_<EVENT>\` style; Kea's own ID where the meaning is
the same). With \`--log-format json\` each line is one JSON object: \`time\`, \`level\`, \`id\`, \`msg\` and
the event's fields. This file is generated from \`src/obs/messages.ts\` by
\`node --import tsx scripts/gen-messages-doc.ts\`; a test checks it is current.

| id | level | meaning |
|---|---|---|
${rows.join('\n')}
`);
