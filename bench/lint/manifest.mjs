// Deterministic manifests for the lint benchmark.

const deployment = (i, broken) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 7}
  labels:
    app: app-${i}
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app-${i}:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"${broken ? ',"paused":"false"' : ''}}]'
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: app
        image: registry.example.com/team/app-${i}:latest
        ports:
        - containerPort: 8080
        env:
        - name: MODE
          value: production
`;

const service = (i) => `apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: team-${i % 7}
spec:
  selector:
    app: app-${i}
  ports:
  - port: 80
    targetPort: 8080
`;

const configMap = (i) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}-config
  namespace: team-${i % 7}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
`;

/**
 * `mix`: a Deployment with a trigger, its Service and its ConfigMap, in turn (a typical app
 * bundle). `triggers`: every document a triggered Deployment (the linter's worst case).
 * Every tenth Deployment has "paused":"false", so both linters have something to report.
 */
export function manifest(documents, shape) {
  const docs = [];
  for (let i = 0; i < documents; i++) {
    const broken = i % 10 === 0;
    if (shape === 'triggers' || i % 3 === 0) docs.push(deployment(i, broken));
    else docs.push(i % 3 === 1 ? service(i) : configMap(i));
  }
  return docs.join('---\n');
}
