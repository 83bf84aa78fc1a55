import type { HttpMethod } from '../http/routes.ts';
import type { JsonSchema, OpenApiDocument, OpenApiMedia, OpenApiOperation } from './openapi.ts';

/**
 * A self-contained HTML view of the OpenAPI document: every operation with its access, parameters,
 * request and reply schemas. Rendered on the server with inline styles and no scripts, fonts or other
 * external assets, so it works offline and behind the strictest content security policy.
 */
export const DOCS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header, main { max-width: 960px; margin: 0 auto; padding: 16px 24px; }
header { border-bottom: 1px solid #d0d7de; background: #fff; max-width: none; }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { margin: 32px 0 8px; font-size: 18px; text-transform: capitalize; }
nav ul { list-style: none; padding: 0; margin: 8px 0 0; columns: 2; }
nav a, article a { color: #0969da; text-decoration: none; }
article { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 12px 0; padding: 12px 16px; }
h3 { margin: 0; font-size: 16px; display: flex; gap: 10px; align-items: center; }
.method { font: bold 12px ui-monospace, monospace; padding: 2px 8px; border-radius: 4px; color: #fff; text-transform: uppercase; min-width: 48px; text-align: center; }
.get { background: #1a7f37; } .post { background: #0969da; } .put, .patch { background: #9a6700; } .delete { background: #cf222e; }
.access { color: #57606a; margin: 4px 0 8px; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: 8px; border-radius: 4px; overflow-x: auto; font-size: 13px; margin: 4px 0; }
details summary { cursor: pointer; }
code { font-family: ui-monospace, monospace; }
`;

const METHOD_ORDER: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function schemaBlock(schema: JsonSchema): string {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (ref !== undefined) {
    const name = ref.split('/').at(-1) ?? ref;
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function contentBlock(content: Record<string, OpenApiMedia> | undefined): string {
  return Object.entries(content ?? {})
    .map(([mediaType, media]) => `<div><code>${escapeHtml(mediaType)}</code> ${schemaBlock(media.schema)}</div>`)
    .join('');
}

function operationBlock(path: string, method: HttpMethod, operation: OpenApiOperation): string {
  const parts = [
    `<article id="${escapeHtml(operation.operationId)}">`,
    `<h3><span class="method ${method}">${method}</span><code>${escapeHtml(path)}</code></h3>`,
    `<p>${escapeHtml(operation.summary)}</p>`,
    `<p class="access">${escapeHtml(operation.description)}</p>`,
  ];
  if (operation.parameters?.length) {
    const rows = operation.parameters
      .map(
        (parameter) =>
          `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${parameter.in}</td><td>${parameter.required ? 'required' : 'optional'}</td><td>${schemaBlock(parameter.schema)}</td></tr>`,
      )
      .join('');
    parts.push(`<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th></th><th>schema</th></tr>${rows}</table>`);
  }
  if (operation.requestBody) {
    parts.push(`<details open><summary>Request body</summary>${contentBlock(operation.requestBody.content)}</details>`);
  }
  const responses = Object.entries(operation.responses)
    .map(
      ([status, response]) =>
        `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(response.description)}</td><td>${contentBlock(response.content)}</td></tr>`,
    )
    .join('');
  parts.push(
    `<details><summary>Responses</summary><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table></details>`,
    '</article>',
  );
  return parts.join('\n');
}

export function renderDocsPage(document: OpenApiDocument, documentUrl: string): string {
  const byTag = new Map<string, string[]>();
  const index: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const method of METHOD_ORDER) {
      const operation = operations[method];
      if (!operation) continue;
      const tag = operation.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationBlock(path, method, operation)]);
      index.push(
        `<li><a href="#${escapeHtml(operation.operationId)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> — ${escapeHtml(operation.summary)}</li>`,
      );
    }
  }
  const sections = [...byTag].map(([tag, blocks]) => `<section><h2>${escapeHtml(tag)}</h2>\n${blocks.join('\n')}</section>`);
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) =>
      `<article id="schema-${escapeHtml(name)}"><h3><code>${escapeHtml(name)}</code></h3>${schemaBlock(schema)}</article>`,
  );
  const title = `${document.info.title} ${document.info.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(document.info.description)}</p>
<p>OpenAPI ${escapeHtml(document.openapi)} document: <a href="${escapeHtml(documentUrl)}">${escapeHtml(documentUrl)}</a></p>
<nav><ul>${index.join('')}</ul></nav>
</header>
<main>
${sections.join('\n')}
<section><h2>Schemas</h2>
${schemas.join('\n')}
</section>
</main>
</body>
</html>
`;
}
