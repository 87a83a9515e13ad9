import { functionId, getAtt, ifCond, noValue, ref, sub, type Json, type Obj } from './cfn.js';
import type { Scope } from './functions.js';
import { WEBHOOK_QUEUE_DEFINITION } from './webhooks.js';

/**
 * The template's completion-event part (SPEC §3.8). EventBridge needs nothing
 * but `events:PutEvents` on the default bus. Webhook delivery exists only with a
 * WebhookUrl: the secret in Secrets Manager, the queue the emitting functions
 * write to, its DLQ and alarm, and the notifier's event source. A queue and a
 * function rather than an EventBridge API destination: API destinations
 * authenticate with fixed headers, basic auth or OAuth, and cannot compute a
 * Standard Webhooks signature over each body (nor keep one id across retries).
 */
export const WEBHOOK_PARAMETERS: Obj = {
  WebhookUrl: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^(https?://\\S+)?$',
    Description: 'Where completion events are POSTed (Standard Webhooks). Empty: no webhook (EventBridge events only).',
  },
  WebhookSecret: {
    Type: 'String',
    NoEcho: true,
    Default: '',
    AllowedPattern: '^(whsec_[A-Za-z0-9+/]{32,}={0,2})?$',
    Description: 'whsec_<base64 of 24+ random bytes>, shared with the receiver; kept in Secrets Manager. Required with WebhookUrl.',
  },
  WebhookConcurrency: {
    Type: 'Number',
    Default: 2,
    MinValue: 2,
    MaxValue: 100,
    Description: 'Notifier invocations at once (each POSTs up to 10 webhooks in parallel).',
  },
};

export const WEBHOOK_CONDITIONS: Obj = { HasWebhook: { 'Fn::Not': [{ 'Fn::Equals': [ref('WebhookUrl'), ''] }] } };

export const WEBHOOK_RULES: Obj = {
  WebhookNeedsSecret: {
    RuleCondition: { 'Fn::Not': [{ 'Fn::Equals': [ref('WebhookUrl'), ''] }] },
    Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Equals': [ref('WebhookSecret'), ''] }] }, AssertDescription: 'WebhookUrl needs WebhookSecret (whsec_<base64>).' }],
  },
};

export const WEBHOOK_ENV_SOURCES: Record<string, Json> = {
  EVENT_BUS_NAME: 'default',
  WEBHOOK_QUEUE_URL: ifCond('HasWebhook', ref('WebhookQueue'), ''),
  WEBHOOK_URL: ref('WebhookUrl'),
  // The secret's ARN, never its value: the notifier reads it from Secrets Manager.
  WEBHOOK_SECRET_ARN: ref('WebhookSigningSecret'),
};

export const webhookScopeArn = (scope: Extract<Scope, 'defaultEventBus' | 'webhookQueue' | 'webhookSecret'>): Json => {
  switch (scope) {
    case 'defaultEventBus':
      return sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default');
    case 'webhookQueue':
      return getAtt('WebhookQueue', 'Arn');
    case 'webhookSecret':
      return ref('WebhookSigningSecret'); // a secret's Ref is its full ARN
  }
};

export const WEBHOOK_OUTPUTS: Obj = {
  WebhookDeadLetterQueueUrl: { Condition: 'HasWebhook', Description: 'Webhooks not delivered after every retry', Value: ref('WebhookDeadLetterQueue') },
};

export const webhookResources = (): Obj => {
  const w = WEBHOOK_QUEUE_DEFINITION;
  const when = { Condition: 'HasWebhook' };
  return {
    WebhookSigningSecret: {
      Type: 'AWS::SecretsManager::Secret',
      ...when,
      // The rule WebhookNeedsSecret refuses an empty WebhookSecret whenever this secret exists.
      Metadata: { 'cfn-lint': { config: { ignore_checks: ['W1030'] } } },
      Properties: { Description: 'Standard Webhooks secret (whsec_…) the notifier signs with (never in its configuration)', SecretString: ref('WebhookSecret') },
    },
    WebhookDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      ...when,
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: w.dlqRetentionSeconds },
    },
    WebhookQueue: {
      Type: 'AWS::SQS::Queue',
      ...when,
      Properties: {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: w.visibilityTimeoutSeconds,
        MessageRetentionPeriod: w.messageRetentionSeconds,
        RedrivePolicy: { deadLetterTargetArn: getAtt('WebhookDeadLetterQueue', 'Arn'), maxReceiveCount: w.maxReceiveCount },
      },
    },
    NotifierEventSource: {
      Type: 'AWS::Lambda::EventSourceMapping',
      ...when,
      Properties: {
        EventSourceArn: getAtt('WebhookQueue', 'Arn'),
        FunctionName: ref(functionId('notifier')),
        BatchSize: w.batchSize,
        MaximumBatchingWindowInSeconds: w.maximumBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: ref('WebhookConcurrency') },
      },
    },
    WebhookDeadLettersAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      ...when,
      Properties: {
        AlarmDescription: 'Webhooks were not delivered after every retry (about 27 h): messages in the webhook dead-letter queue',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('WebhookDeadLetterQueue', 'QueueName') }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: ifCond('HasAlarmEmail', [ref('AlarmTopic')], noValue),
      },
    },
  };
};
