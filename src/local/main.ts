/** npm start: the whole backend on this machine (README: The local stack and AWS). */
import { startStack } from './stack.js';

const stack = await startStack({
  port: Number(process.env.PORT ?? 3000),
  dataDir: process.env.DATA_DIR ?? '.data',
  jwtSecret: process.env.JWT_SECRET,
  labelDetector: process.env.LABEL_DETECTOR,
});
console.log(`TravelLog backend-serverless (local) listening on ${stack.url}`);
console.log(`  S3 ${stack.s3Endpoint} · DynamoDB ${stack.dynamoEndpoint} · SQS ${stack.sqsEndpoint}`);
if (stack.webhookUrl) console.log(`  webhooks → ${stack.webhookUrl} (signed with WEBHOOK_SECRET; local DLQ in ${process.env.DATA_DIR ?? '.data'}/webhooks/dlq.jsonl)`);
console.log(`  token: npm run token -- <user_id>   health: curl ${stack.url}/health`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping (queue contents are saved)…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
