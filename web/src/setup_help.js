// What to set so telemetry names a repository and commit: the upload line for
// CI and, per tracer and deployment kind, the environment variables, labels
// and annotations (tag names as docs/API.md "Git tags" lists them).

export const TRACERS = [
  ['datadog', 'Datadog tracer (dd-trace)'],
  ['otel', 'OpenTelemetry SDK'],
  ['pyroscope', 'Pyroscope SDK'],
];
export const DEPLOYMENTS = [
  ['shell', 'Shell / systemd'],
  ['docker', 'Docker'],
  ['kubernetes', 'Kubernetes'],
];

// {title, text}[] for the CI step that uploads each commit.
export function uploadSteps({server, repositoryUrl}) {
  return [
    {title: 'In CI, after the checkout (srclink reads the branch or tag from the CI\'s environment)',
     text: `SRCLINK_SERVER=${server} SRCLINK_API_KEY=$SRCLINK_UPLOAD_KEY \\\n  srclink upload --repository-url ${repositoryUrl}`},
    {title: 'Or with datadog-ci, unchanged',
     text: `DATADOG_SOURCEMAP_INTAKE_URL=${server} DATADOG_API_KEY=$SRCLINK_UPLOAD_KEY \\\n  datadog-ci git-metadata upload --no-gitsync`},
    {title: 'Create the upload key once, on the server',
     text: 'srclink keys create --data ./srclink-data --name ci --scope upload'},
  ];
}

function envPairs(tracer, {server, repositoryUrl, commit, service, rootPath}) {
  switch (tracer) {
    case 'datadog':
      return [['DD_SERVICE', service], ['DD_TRACE_AGENT_URL', server], ['DD_CODE_ORIGIN_FOR_SPANS_ENABLED', 'true'],
              ['DD_GIT_REPOSITORY_URL', repositoryUrl], ['DD_GIT_COMMIT_SHA', commit]];
    case 'otel': {
      const attrs = [`service.name=${service}`, `vcs.repository.url.full=${repositoryUrl}`,
                     `vcs.ref.head.revision=${commit}`];
      return [['OTEL_EXPORTER_OTLP_ENDPOINT', server],
              ['OTEL_EXPORTER_OTLP_HEADERS', 'Authorization=Bearer%20$SRCLINK_UPLOAD_KEY'],
              ['OTEL_RESOURCE_ATTRIBUTES', attrs.join(',')]];
    }
    case 'pyroscope':
      return [['PYROSCOPE_SERVER_ADDRESS', server], ['PYROSCOPE_APPLICATION_NAME', service],
              ['PYROSCOPE_LABELS', `service_repository=${repositoryUrl},service_git_ref=${commit}` +
                                   (rootPath ? `,service_root_path=${rootPath}` : '')]];
    default:
      return [];
  }
}

// {title, text}[] for one tracer and deployment kind.
export function runSteps(tracer, deployment, opts) {
  const env = envPairs(tracer, opts);
  const {repositoryUrl, commit, service} = opts;
  const steps = [];
  if (deployment === 'shell') {
    steps.push({title: 'Environment of the service', text: env.map(([k, v]) => `export ${k}=${quote(v)}`).join('\n')});
  } else if (deployment === 'docker') {
    steps.push({title: 'Build: the OCI labels name the source and revision of the image',
                text: `docker build \\\n  --label org.opencontainers.image.source=${repositoryUrl} \\\n  --label org.opencontainers.image.revision=${commit} \\\n  -t ${service}:${commit.slice(0, 12)} .`});
    steps.push({title: 'Run',
                text: `docker run \\\n${env.map(([k, v]) => `  -e ${k}=${quote(v)} \\`).join('\n')}\n  ${service}:${commit.slice(0, 12)}`});
  } else if (deployment === 'kubernetes') {
    const annotation = JSON.stringify({'git.repository_url': repositoryUrl, 'git.commit.sha': commit});
    steps.push({title: 'Pod template: the annotation tags every container\'s telemetry; the environment configures the SDK',
                text: ['metadata:', '  annotations:', `    ad.datadoghq.com/tags: '${annotation}'`, 'spec:', '  containers:',
                       `    - name: ${service}`, '      env:',
                       ...env.map(([k, v]) => `        - name: ${k}\n          value: "${v.replace(/"/g, '\\"')}"`)].join('\n')});
  }
  if (tracer === 'pyroscope') {
    steps.push({title: 'Or as tags in the SDK (Node.js)',
                text: `Pyroscope.init({\n  serverAddress: '${opts.server}',\n  appName: '${service}',\n  tags: {service_repository: '${repositoryUrl}', service_git_ref: '${commit}'},\n});`});
  }
  if (tracer === 'datadog') {
    steps.push({title: 'Or all in one DD_TAGS', text: `DD_TAGS=git.repository_url:${repositoryUrl},git.commit.sha:${commit}`});
  }
  return steps;
}

function quote(v) {
  return /^[A-Za-z0-9_.:\/@%=,+-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}
