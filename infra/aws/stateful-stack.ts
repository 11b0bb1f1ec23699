import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PublicHostedZone } from 'aws-cdk-lib/aws-route53';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  EmailIdentity,
  Identity,
  type IEmailIdentity,
  MailFromBehaviorOnMxFailure,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config';

/** A table together with the environment variable its name is passed in and the indexes readers query. */
export interface PaperboyTable {
  readonly table: ITable;
  readonly envName: 'PAPERS_TABLE_NAME' | 'SUBSCRIBERS_TABLE_NAME' | 'DELIVERIES_TABLE_NAME';
  readonly indexNames: readonly string[];
}

export interface StatefulStackProps extends StackProps {
  readonly config: DeployConfig;
}

/**
 * Everything that holds data or identity and must outlive a redeploy: the three tables, the
 * token-signing secret and the SES domain identity (its DKIM tokens are in the operator's DNS).
 * Termination protection is on and every resource is retained if the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly papers: PaperboyTable;
  readonly subscribers: PaperboyTable;
  readonly deliveries: PaperboyTable;
  readonly tokenSecret: ISecret;
  readonly emailIdentity: IEmailIdentity;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { config } = props;

    const papers = this.createTable('PapersTable');
    papers.addGlobalSecondaryIndex({
      indexName: 'byDay',
      partitionKey: { name: 'dailyDate', type: AttributeType.STRING },
      sortKey: { name: 'pk', type: AttributeType.STRING },
    });
    this.papers = { table: papers, envName: 'PAPERS_TABLE_NAME', indexNames: ['byDay'] };

    this.subscribers = {
      table: this.createTable('SubscribersTable'),
      envName: 'SUBSCRIBERS_TABLE_NAME',
      indexNames: [],
    };

    this.deliveries = {
      table: this.createTable('DeliveriesTable', { timeToLiveAttribute: 'expiresAt' }),
      envName: 'DELIVERIES_TABLE_NAME',
      indexNames: [],
    };

    const tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'paperboy: HMAC key that signs the confirm, manage and unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the HMAC key would invalidate every unsubscribe and manage link in mail already delivered ' +
        '(RFC 8058 one-click unsubscribe must keep working); links are revoked per subscriber instead.',
    });
    this.tokenSecret = tokenSecret;

    if (config.existingSesIdentity) {
      // The domain is verified already (another copy of paperboy, or by hand): use it as it is. Its
      // DKIM and MAIL FROM records are whoever verified it's to keep.
      this.emailIdentity = EmailIdentity.fromEmailIdentityName(this, 'SendingDomain', config.domain);
      return;
    }
    const mailFromDomain = `${config.mailFromSubdomain}.${config.domain}`;
    const identity = new EmailIdentity(this, 'SendingDomain', {
      // A MAIL FROM (Return-Path) on our own domain, so SPF aligns with the From domain for DMARC, not
      // only DKIM. If its MX record goes missing, SES falls back to amazonses.com instead of refusing mail.
      mailFromDomain,
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      identity: config.hostedZoneId
        ? Identity.publicHostedZone(
            PublicHostedZone.fromPublicHostedZoneAttributes(this, 'SendingZone', {
              hostedZoneId: config.hostedZoneId,
              zoneName: config.domain,
            }),
          )
        : Identity.domain(config.domain),
    });
    identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.emailIdentity = identity;

    if (!config.hostedZoneId) {
      // With a hosted zone the MAIL FROM records are created with the identity; without, the operator
      // adds them, and the three DKIM CNAME records below (docs/deploy.md).
      new CfnOutput(this, 'MailFromMxRecord', {
        value: `${mailFromDomain} MX 10 feedback-smtp.${this.region}.amazonses.com`,
        description: `MAIL FROM MX record for ${mailFromDomain}`,
      });
      new CfnOutput(this, 'MailFromSpfRecord', {
        value: `${mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
        description: `MAIL FROM SPF record for ${mailFromDomain}`,
      });
      [1, 2, 3].forEach((n) => {
        const name = identity[`dkimDnsTokenName${n}` as 'dkimDnsTokenName1'];
        const value = identity[`dkimDnsTokenValue${n}` as 'dkimDnsTokenValue1'];
        new CfnOutput(this, `DkimRecord${n}`, {
          value: `${name} CNAME ${value}`,
          description: `DKIM CNAME record ${n} of 3 for ${config.domain}`,
        });
      });
    }
  }

  private createTable(id: string, extra: { timeToLiveAttribute?: string } = {}): Table {
    return new Table(this, id, {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...extra,
    });
  }
}
