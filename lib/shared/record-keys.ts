/**
 * Ids from outside (Kalshi's communications ids) become keys of plain objects in the settings: a
 * name that Object.prototype already has (`__proto__`, `constructor`, `toString`…) would read or
 * write the prototype instead of an entry. Such an id is refused where it arrives.
 */
export const isSafeRecordKey = (id: string): boolean => !(id in Object.prototype);
