import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Space, Typography } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { usePredicateText } from './predicate.ts';

export interface Fetched {
  satisfied: boolean;
  found: boolean;
  resourceCode: string;
  resourceName: string;
  provider: string;
  answerHashes: string[];
  predicate: { field?: string; label: string; op: string; value: unknown; result: boolean } | null;
  shown: { field: string; label: string; value: unknown }[];
  prefill: Record<string, unknown>;
}

/**
 * A material fetched from shared government data (免证明): shows the applicant what the platform
 * fetched for them (a recorded, audited gateway call) and uses it instead of an upload.
 */
export function SharedDataMaterial(props: {
  taskCode: string;
  name: string;
  value: boolean;
  hasFiles: boolean;
  disabled?: boolean;
  onChange: (use: boolean) => void;
  onPrefill?: (values: Record<string, unknown>) => void;
  upload: ReactNode;
}) {
  const { t, lang } = usePrefs();
  const checkText = usePredicateText();
  const preview = useMutation({
    mutationFn: () => api.post<Fetched>('/data/no-proof/preview', { taskCode: props.taskCode, material: props.name }),
    onSuccess: (r) => {
      props.onChange(r.satisfied);
      if (r.satisfied && Object.keys(r.prefill).length) props.onPrefill?.(r.prefill);
    },
  });
  const { mutate, isIdle } = preview;
  // biome-ignore lint/correctness/useExhaustiveDependencies: fetch once when the material is shown
  useEffect(() => {
    if (!props.disabled && isIdle && !props.hasFiles) mutate();
  }, []);
  const r = preview.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t('data.noProof.intro')}</Typography.Paragraph>
      {preview.isPending ? <Typography.Text>{t('data.noProof.fetching')}</Typography.Text> : null}
      {preview.error ? <Alert type="warning" showIcon message={errorText(preview.error, lang)} /> : null}
      {r ? (
        <Alert
          type={r.satisfied ? 'success' : 'warning'}
          showIcon
          message={
            r.satisfied
              ? t('data.noProof.ok', { resource: r.resourceName, provider: r.provider })
              : t('data.noProof.notOk')
          }
          description={
            <Descriptions size="small" column={1}>
              {r.predicate ? (
                <Descriptions.Item label={t('data.noProof.check')}>
                  {t('data.noProof.checkResult', {
                    check: checkText(r.predicate),
                    result: r.predicate.result ? t('common.yes') : t('common.no'),
                  })}
                </Descriptions.Item>
              ) : null}
              {r.shown.map((s) => (
                <Descriptions.Item key={s.field} label={s.label}>
                  {s.value == null ? '—' : String(s.value)}
                </Descriptions.Item>
              ))}
            </Descriptions>
          }
        />
      ) : null}
      {!props.disabled ? (
        <Button size="small" onClick={() => preview.mutate()} loading={preview.isPending}>
          {t('data.noProof.refetch')}
        </Button>
      ) : null}
      <details className="yw-upload-instead" open={props.hasFiles || (!!r && !r.satisfied) || !!preview.error}>
        <summary>{t('data.noProof.uploadInstead')}</summary>
        {props.upload}
      </details>
    </Space>
  );
}
