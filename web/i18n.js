// i18n.js: the interface's two languages.  Labels come from strings.json
// (one key, English and Arabic side by side) and picklist labels from the
// API's vocabularies.  Arabic pages are right-to-left with Arabic-Indic
// digits (locale "ar" with numbering system arab, Gregorian calendar) for
// every number and date Sanad formats; codes and case references stay in
// Latin script, isolated left-to-right (dom.js ltr()).
import { api } from './api.js';

let strings = {};
let lang = 'en';
const vocabCache = new Map();

const LOCALE = { en: 'en-GB', ar: 'ar-u-nu-arab-ca-gregory' };

export async function loadStrings() {
  const r = await fetch('/strings.json', { credentials: 'same-origin' });
  strings = await r.json();
}

export function currentLang() { return lang; }

export function setLang(l) {
  lang = l === 'ar' ? 'ar' : 'en';
  const root = document.documentElement;
  root.lang = lang;
  root.dir = lang === 'ar' ? 'rtl' : 'ltr';
  try { localStorage.setItem('sanad.lang', lang); } catch (e) { /* private mode: the server keeps it */ }
  document.title = t('app.name');
}

// The language to start with before anyone signs in: the last one used in
// this browser, else the browser's preference.
export function initialLang() {
  try {
    const saved = localStorage.getItem('sanad.lang');
    if (saved === 'ar' || saved === 'en') return saved;
  } catch (e) { /* ignore */ }
  return (navigator.language || 'en').toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

export function has(key) { return Object.prototype.hasOwnProperty.call(strings, key); }

// t('users.created', {user: 'x'}): the label in the current language with
// {name} placeholders filled in.  A missing key shows the key itself, so a
// gap is visible rather than blank.
export function t(key, vars) {
  const e = strings[key];
  let s = e ? (e[lang] ?? e.en) : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function fieldLabel(name) {
  return has('field.' + name) ? t('field.' + name) : name;
}

// opts.grouping false for numbers that are names, not amounts (years)
export function fmtNumber(n, opts = {}) {
  if (n === null || n === undefined || n === '') return '';
  return new Intl.NumberFormat(LOCALE[lang], { useGrouping: opts.grouping !== false }).format(Number(n));
}

// Dates are calendar days (YYYY-MM-DD) without a time zone: formatted in
// UTC so that no zone moves them by a day.
export function fmtDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  // Arabic has no abbreviated month names: the full name, day and year
  const style = lang === 'ar' ? { day: 'numeric', month: 'long', year: 'numeric' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(LOCALE[lang], { ...style, timeZone: 'UTC' }).format(d);
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// A picklist: [{code, en, ar}] in the list's order, fetched once.
export async function vocab(list) {
  if (!vocabCache.has(list)) {
    vocabCache.set(list, api('GET', `/api/v1/vocab/${encodeURIComponent(list)}`).then(r => r.values)
      .catch(e => { vocabCache.delete(list); throw e; }));
  }
  return vocabCache.get(list);
}

export async function vocabs(lists) {
  const out = {};
  await Promise.all([...new Set(lists)].map(async l => { out[l] = await vocab(l); }));
  return out;
}

// The label of a code in the current language (the code itself if the list
// does not have it, which shows bad data rather than hiding it).
export function labelOf(values, code) {
  if (code === null || code === undefined) return '';
  const v = values && values.find(x => x.code === code);
  return v ? (v[lang] || v.en) : String(code);
}

// Values sorted for display: long lists (countries, languages) by their label
// in the current language; short lists keep their designed order.
export function sortedValues(values) {
  if (!values || values.length < 30) return values || [];
  const coll = new Intl.Collator(LOCALE[lang]);
  return [...values].sort((a, b) => coll.compare(a[lang] || a.en, b[lang] || b.en));
}

export function roleLabel(role) { return has('role.' + role) ? t('role.' + role) : role; }
