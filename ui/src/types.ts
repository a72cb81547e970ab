// What the façade sends the page (src/facade/dashboard/stack-summary.ts and routes.ts).
export interface PortSummary {
  port: number;
  protocol: 'tcp' | 'udp';
  inside: string;
  published: boolean;
  outerPort: number | null;
}

export interface ServiceSummary {
  uuid: string;
  name: string;
  image: string;
  state: string;
  readyContainers: number;
  currentContainers: number;
  targetContainers: number;
  ports: PortSummary[];
  links: { to: string; alias: string }[];
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ActionJson {
  uuid: string;
  action: string;
  state: 'In progress' | 'Success' | 'Failed';
  logs: string;
  start_date: string | null;
  end_date: string | null;
}

export type StackAction = 'start' | 'stop' | 'redeploy' | 'terminate' | 'update';

export interface StackSummary {
  uuid: string;
  resource_uri: string;
  name: string;
  namespace: string;
  state: string;
  synchronized: boolean;
  deployed_datetime: string | null;
  destroyed_datetime: string | null;
  servicesReady: string;
  services_detail: ServiceSummary[];
  conditions: Condition[];
  allowedActions: StackAction[];
  actions: ActionJson[];
}

export interface Session {
  username: string;
  namespace: string;
  namespaces: string[];
}

export interface Access {
  namespace: string;
  username: string;
  may: { get: boolean; list: boolean; create: boolean; patch: boolean; delete: boolean };
}

export interface StackEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string | null;
}

export interface PlacedProblem {
  key: string;
  line: number | null;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  errors: PlacedProblem[];
  warnings: string[];
  services?: Record<string, unknown>[];
}
