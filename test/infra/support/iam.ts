import type { Template } from 'aws-cdk-lib/assertions';

type Resources = Record<string, { Type: string; Properties: any }>;

/** Names a policy resource by what it points at, so tests can compare policies with readable strings. */
export function describeResource(resource: unknown): string {
  if (resource === '*') return '*';
  const text = JSON.stringify(resource);
  const table = /(Papers|Subscribers|Deliveries)Table/.exec(text)?.[1];
  if (table)
    return text.includes('/index/') ? `${table}/index/${/\/index\/([\w-]+)/.exec(text)?.[1]}` : table;
  if (text.includes('TokenSecret')) return 'TokenSecret';
  const queue =
    /"(SendQueue|SendDeadLetterQueue|PlanQueue|PlanDeadLetterQueue|MailQueue|MailDeadLetterQueue|\w+FailedEvents)[0-9A-F]{8}"/.exec(
      text,
    )?.[1];
  if (queue) return queue;
  const logs = /"(\w+)Logs[0-9A-F]{8}"/.exec(text)?.[1];
  if (logs) return `${logs}Logs`;
  const function_ = /"(\w+Function)[0-9A-F]{8}"/.exec(text)?.[1];
  if (function_) return function_;
  const ses = /:ses:[\w-]+:\d+:(identity\/[^"]+|configuration-set\/)/.exec(text)?.[1];
  if (ses) return `ses:${ses}`;
  return text;
}

/** The logical id of a Lambda function whose id starts with `prefix` (e.g. "ApiFunction"). */
export function functionLogicalId(template: Template, prefix: string): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  if (ids.length !== 1) throw new Error(`expected one function ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** Every IAM statement attached to the role of a resource (function or schedule), as `action resource` lines. */
export function grantsOfRole(template: Template, roleLogicalId: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((policy) =>
    policy.Properties.Roles.some((role: any) => role.Ref === roleLogicalId),
  );
  const lines = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expectAllow(statement);
      const actions: string[] = [statement.Action].flat();
      const resources: unknown[] = [statement.Resource].flat();
      for (const action of actions)
        for (const resource of resources) lines.add(`${action} ${describeResource(resource)}`);
    }
  }
  return [...lines].sort();
}

export function grantsOfFunction(template: Template, functionPrefix: string): string[] {
  const fn = template.toJSON().Resources[functionLogicalId(template, functionPrefix)];
  return grantsOfRole(template, fn.Properties.Role['Fn::GetAtt'][0]);
}

function expectAllow(statement: { Effect: string }): void {
  if (statement.Effect !== 'Allow') throw new Error(`unexpected ${statement.Effect} statement`);
}

/** `action resource` lines for a set of actions on a set of resources. */
export function grants(actions: readonly string[], resources: readonly string[]): string[] {
  return actions.flatMap((action) => resources.map((resource) => `${action} ${resource}`));
}

/** Every string in any IAM policy document of the template (identity and resource policies). */
export function policyResourceStrings(template: Template): string[] {
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy') as Resources)) {
    for (const statement of policy.Properties.PolicyDocument.Statement) collect(statement.Resource);
  }
  return strings;
}
