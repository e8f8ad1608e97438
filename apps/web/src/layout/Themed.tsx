import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { type ReactNode, useMemo } from 'react';
import { usePrefs } from '../i18n/index.tsx';

/** Colours chosen for WCAG AA contrast on white (antd's defaults for secondary text are too light). */
const baseToken: ThemeConfig['token'] = {
  colorPrimary: '#0958d9',
  colorLink: '#0958d9',
  colorTextSecondary: 'rgba(0, 0, 0, 0.72)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
  colorTextDescription: 'rgba(0, 0, 0, 0.68)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  colorTextDisabled: 'rgba(0, 0, 0, 0.55)',
  colorError: '#c4161c',
  colorSuccess: '#237804',
  // antd derives the light success colours from the seed; from a seed this dark they come out grey-green
  // (#adb8a5). The green palette's light steps instead (the text stays #237804: 5.4:1 on #f6ffed).
  colorSuccessBg: '#f6ffed',
  colorSuccessBgHover: '#d9f7be',
  colorSuccessBorder: '#b7eb8f',
  colorSuccessBorderHover: '#95de64',
  // #ad6800 was 4.41:1 on white (under AA); #9a5d00 is 5.3:1 on white and 5.1:1 on #fffbe6. The light
  // steps are the gold palette's, for the same reason as the success colours.
  colorWarning: '#9a5d00',
  colorWarningBg: '#fffbe6',
  colorWarningBgHover: '#fff1b8',
  colorWarningBorder: '#ffe58f',
  colorWarningBorderHover: '#ffd666',
  borderRadius: 6,
};

const elderToken: ThemeConfig['token'] = {
  fontSize: 20,
  controlHeight: 48,
  controlHeightLG: 56,
  controlHeightSM: 36,
  padding: 20,
  paddingLG: 28,
  margin: 20,
  marginLG: 28,
  lineHeight: 1.6,
  colorText: 'rgba(0, 0, 0, 0.92)',
  colorTextSecondary: 'rgba(0, 0, 0, 0.8)',
};

export function Themed({ children }: { children: ReactNode }) {
  const { lang, elder } = usePrefs();
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  const theme = useMemo<ThemeConfig>(
    () => ({ token: elder ? { ...baseToken, ...elderToken } : baseToken, cssVar: {} }),
    [elder],
  );
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={theme}
      componentSize={elder ? 'large' : 'middle'}
      form={{ requiredMark: false }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
