// The one place API URLs are spelled: core group objects live under /api/VERSION, every other
// group under /apis/GROUP/VERSION.

/** `/api[s]/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]` */
export function resourcePath(
  apiVersion: string,
  resource: string,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const object = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${groupVersionPath(apiVersion)}${ns}/${resource}${object}`;
}

/** `/api/v1` or `/apis/GROUP/VERSION`: discovery of one group version's resources. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}
