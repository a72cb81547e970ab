// Docker Cloud writes dates as RFC 2822 in UTC ("Mon, 13 Oct 2014 11:01:43 +0000"). The CLI
// parses exactly that: an ISO 8601 date makes `docker-cloud stack ls` fail with exit code 3.

/** A Docker Cloud date string, or null when there is no (valid) date. */
export function dockerCloudDate(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  // toUTCString is the IMF-fixdate "Mon, 13 Oct 2014 11:01:43 GMT": the same fields.
  return date.toUTCString().replace(/GMT$/, '+0000');
}
