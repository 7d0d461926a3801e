/** `bash scripts/run-node bench/profile-summary.ts <file.cpuprofile>...`: prints where each profile spent its CPU. */
import { formatSummary, summarizeProfile } from './lib/profile.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: profile-summary.ts <file.cpuprofile>...');
  process.exit(2);
}
for (const f of files) console.log(`${formatSummary(summarizeProfile(f, Number(process.env.TOP ?? 25)))}\n`);
