import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Lang } from '../api.ts';
import { en } from './en.ts';
import { type Messages, zh } from './zh.ts';

export type MessageKey = keyof Messages;
export type TFunction = (key: MessageKey, vars?: Record<string, string | number>) => string;

const dictionaries: Record<Lang, Messages> = { zh, en };

interface Prefs {
  lang: Lang;
  setLang: (lang: Lang) => void;
  elder: boolean;
  setElder: (on: boolean) => void;
  t: TFunction;
}

const PrefsContext = createContext<Prefs | null>(null);

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for this page only
  }
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = dictionaries[lang][key] ?? zh[key] ?? key;
  if (vars) {
    for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  }
  return s;
}

export function PrefsProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (readStorage('yw.lang') === 'en' ? 'en' : 'zh'));
  const [elder, setElderState] = useState<boolean>(() => readStorage('yw.elder') === '1');

  const setLang = useCallback((l: Lang) => {
    writeStorage('yw.lang', l);
    setLangState(l);
  }, []);
  const setElder = useCallback((on: boolean) => {
    writeStorage('yw.elder', on ? '1' : '0');
    setElderState(on);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.title = lang === 'en' ? 'Yiwang 一网' : '一网 Yiwang';
  }, [lang]);
  useEffect(() => {
    document.body.classList.toggle('yw-elder', elder);
  }, [elder]);

  const t = useCallback<TFunction>((key, vars) => translate(lang, key, vars), [lang]);
  const value = useMemo(() => ({ lang, setLang, elder, setElder, t }), [lang, setLang, elder, setElder, t]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): Prefs {
  const p = useContext(PrefsContext);
  if (!p) throw new Error('PrefsProvider missing');
  return p;
}

/** The translate function of the current language. */
export function useT(): TFunction {
  return usePrefs().t;
}

export function useLang(): Lang {
  return usePrefs().lang;
}
