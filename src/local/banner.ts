/** The lines `npm start` prints once the stack is up: where everything is, and what it runs with. */
export interface BannerInfo {
  url: string;
  dataDir: string;
  /** The LABEL_DETECTOR setting, and the embedded model's state when it is `local`. */
  labelDetector: string;
  detectorState?: string;
  logLevel: string;
  /** Where completion events are POSTed (WEBHOOK_URL); undefined = no webhook. */
  webhookUrl?: string;
  /** The uploads DLQ at start-up: moved back (REDRIVE_DLQ=true), and still there. */
  deadLetters?: { redriven: number; waiting: number };
  startedInMs: number;
}

const describeDeadLetters = ({ redriven, waiting }: { redriven: number; waiting: number }): string | undefined => {
  const parts = [
    ...(redriven ? [`${redriven} failed upload${redriven === 1 ? '' : 's'} sent back for analysis (REDRIVE_DLQ)`] : []),
    ...(waiting ? [`${waiting} failed upload${waiting === 1 ? '' : 's'} waiting; REDRIVE_DLQ=true npm start analyses them again`] : []),
  ];
  return parts.length ? parts.join('; ') : undefined;
};

const DETECTOR_NOTES: Record<string, string> = {
  warming: 'embedded model, loading (images wait for it)',
  ready: 'embedded model, ready',
  failed: 'embedded model, FAILED to load (see /health)',
};

const describeDetector = (setting: string, state?: string): string => {
  if (setting === 'local') return `local (${DETECTOR_NOTES[state ?? ''] ?? state ?? 'embedded model'}; COCO objects only)`;
  if (setting === 'fixture:') return 'fixture (no labels at all)';
  if (setting.startsWith('fixture:')) return `fixture ${setting.slice('fixture:'.length)}`;
  if (setting === 'rekognition') return 'rekognition (AWS, credentials from the environment)';
  return setting;
};

export const formatBanner = (b: BannerInfo): string => {
  const rows: [string, string][] = [
    ['API', b.url],
    ['Console', `${b.url}/`],
    ['API docs', `${b.url}/docs`],
    ['OpenAPI', `${b.url}/openapi.json`],
    ['Data', b.dataDir],
    ['Detector', describeDetector(b.labelDetector, b.detectorState)],
    ['Webhook', b.webhookUrl ?? 'off (WEBHOOK_URL not set)'],
    ...(b.deadLetters && describeDeadLetters(b.deadLetters) ? [['DLQ', describeDeadLetters(b.deadLetters)!] as [string, string]] : []),
    ['Log level', `${b.logLevel} (LOG_LEVEL=debug|info|warn|error)`],
    ['Token', 'npm run -s token -- <user_id>'],
  ];
  return [
    `TravelLog backend-serverless, local stack — up in ${(b.startedInMs / 1000).toFixed(1)} s (Ctrl-C stops it; queue contents are kept)`,
    ...rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`),
    '',
  ].join('\n');
};
