import { ConfigProvider } from 'antd';
import type { ReactNode } from 'react';
import { usePrefs } from '../../i18n/index.tsx';
import './apply.css';

/** In the elderly-friendly mode, checkboxes and radios of these pages are large enough to hit. */
export function ElderFriendly({ children }: { children: ReactNode }) {
  const { elder } = usePrefs();
  if (!elder) return <>{children}</>;
  return <ConfigProvider theme={{ token: { controlInteractiveSize: 28 } }}>{children}</ConfigProvider>;
}
