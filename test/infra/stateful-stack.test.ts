import { Match } from 'aws-cdk-lib/assertions';
import { aDeployConfig, removeSynthOutputs, synthApp, type SynthesizedApp } from './support/test-app';

describe('stateful stack', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp();
  });
  afterAll(removeSynthOutputs);

  it('is termination-protected', () => {
    expect(built.stateful.terminationProtection).toBe(true);
  });

  it('retains every resource it owns when the stack or a resource is deleted', () => {
    const resources = Object.entries(built.statefulTemplate.toJSON().Resources as Record<string, any>).filter(
      ([, resource]) => resource.Type !== 'AWS::CDK::Metadata',
    );

    expect(resources.length).toBeGreaterThanOrEqual(5);
    for (const [id, resource] of resources) {
      expect({ id, DeletionPolicy: resource.DeletionPolicy }).toEqual({ id, DeletionPolicy: 'Retain' });
      expect({ id, UpdateReplacePolicy: resource.UpdateReplacePolicy }).toEqual({
        id,
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('creates three on-demand tables with pk/sk keys, point-in-time recovery and deletion protection', () => {
    built.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', 3);
    built.statefulTemplate.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('gives the Papers table the byDay index (dailyDate, pk), projecting all attributes', () => {
    built.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byDay',
          KeySchema: [
            { AttributeName: 'dailyDate', KeyType: 'HASH' },
            { AttributeName: 'pk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('expires delivery records on expiresAt, and only delivery records', () => {
    const withTtl = built.statefulTemplate.findResources('AWS::DynamoDB::Table', {
      Properties: { TimeToLiveSpecification: Match.anyValue() },
    });

    expect(Object.keys(withTtl)).toEqual([expect.stringMatching(/^DeliveriesTable/)]);
    expect(Object.values(withTtl)[0].Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });

  it('generates the token-signing secret in Secrets Manager', () => {
    built.statefulTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('verifies the sending domain with Easy DKIM and outputs the three DKIM records', () => {
    built.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    const outputs = built.statefulTemplate.findOutputs('*');

    expect(Object.keys(outputs).filter((key) => key.startsWith('DkimRecord'))).toHaveLength(3);
  });

  it('creates the DKIM records itself when given the Route 53 hosted zone', () => {
    const withZone = synthApp({ config: aDeployConfig({ hostedZoneId: 'Z0123456789ABC' }) });

    withZone.statefulTemplate.resourcePropertiesCountIs(
      'AWS::Route53::RecordSet',
      { Type: 'CNAME', HostedZoneId: 'Z0123456789ABC' },
      3,
    );
  });

  it('sends with a MAIL FROM subdomain (SPF aligns for DMARC) and outputs its MX and SPF records', () => {
    built.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      MailFromAttributes: { MailFromDomain: 'mail.example.com', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
    const outputs = built.statefulTemplate.findOutputs('*');

    expect(outputs.MailFromMxRecord.Value).toBe(
      'mail.example.com MX 10 feedback-smtp.eu-west-1.amazonses.com',
    );
    expect(outputs.MailFromSpfRecord.Value).toBe('mail.example.com TXT "v=spf1 include:amazonses.com ~all"');
  });

  it('creates the MAIL FROM MX and SPF records itself when given the hosted zone, on the configured subdomain', () => {
    const withZone = synthApp({
      config: aDeployConfig({ hostedZoneId: 'Z0123456789ABC', mailFromSubdomain: 'bounce' }),
    });
    const records = Object.values(withZone.statefulTemplate.findResources('AWS::Route53::RecordSet')).map(
      (record: any) => record.Properties,
    );

    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Type: 'MX',
          Name: 'bounce.example.com.',
          ResourceRecords: ['10 feedback-smtp.eu-west-1.amazonses.com'],
        }),
        expect.objectContaining({
          Type: 'TXT',
          Name: 'bounce.example.com.',
          ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
        }),
      ]),
    );
    expect(Object.keys(withZone.statefulTemplate.findOutputs('*'))).not.toContain('MailFromMxRecord');
  });

  it('uses a domain already verified in SES instead of creating it (a second copy would fail the deploy)', () => {
    const existing = synthApp({ config: aDeployConfig({ existingSesIdentity: true }) });

    existing.statefulTemplate.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(existing.stateful.emailIdentity.emailIdentityName).toBe('example.com');
    // The functions may still send as the domain.
    expect(JSON.stringify(existing.statelessTemplate.toJSON())).toContain(':identity/example.com');
  });
});
