/** What the export needs to know about an event already in the calendar. */
export interface EventSummary {
  uid: string | null;
  summary: string | null;
  /** `YYYY-MM-DD` of DTSTART. */
  date: string | null;
}

/** Reads SUMMARY and DTSTART of the first VEVENT of an iCalendar object (RFC 5545 unfolded). */
export function summarizeEvent(ics: string): EventSummary {
  const lines = ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const start = lines.indexOf('BEGIN:VEVENT');
  const result: EventSummary = { uid: null, summary: null, date: null };
  if (start < 0) return result;
  for (const line of lines.slice(start + 1)) {
    if (line === 'END:VEVENT') break;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(';')[0].toUpperCase();
    const value = line.slice(colon + 1);
    if (name === 'UID' && result.uid === null) result.uid = value;
    if (name === 'SUMMARY' && result.summary === null) result.summary = unescapeText(value);
    if (name === 'DTSTART' && result.date === null) {
      const match = /^(\d{4})(\d{2})(\d{2})/.exec(value);
      if (match) result.date = `${match[1]}-${match[2]}-${match[3]}`;
    }
  }
  return result;
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
