import { DatabaseOutlined } from '@ant-design/icons';
import { Space, Tag, Typography } from 'antd';
import { usePrefs } from '../../i18n/index.tsx';
import { formatTime } from '../workbench/caseModel.ts';
import { usePredicateText } from './predicate.ts';

export interface SharedDataEvidence {
  kind: 'SHARED_DATA';
  at?: string;
  requestId?: string;
  resource?: string;
  resourceName?: string;
  provider?: string;
  answerHashes?: string[];
  fields?: string[];
  check?: string;
  /** The check, structured (evidence since 2026-12-03; older evidence has `check` only). */
  predicate?: { label: string; op: string; value: unknown };
  result?: boolean;
}

export const isSharedDataEvidence = (e: unknown): e is SharedDataEvidence =>
  !!e && typeof e === 'object' && (e as { kind?: unknown }).kind === 'SHARED_DATA';

/** The evidence of a SHARED_DATA material on a case (免证明), shown instead of files. */
export function SharedDataEvidenceView({ e }: { e: SharedDataEvidence }) {
  const { t } = usePrefs();
  const checkText = usePredicateText();
  const check = e.predicate ? checkText(e.predicate) : e.check;
  // "<check>：<result>" in the page's language; the result is a tag.
  const [before, after = ''] = t('data.noProof.checkResult', { check: check ?? '' }).split('{result}');
  return (
    <Space direction="vertical" size={2} data-testid="shared-data-evidence">
      <span>
        <DatabaseOutlined aria-hidden />{' '}
        {t('data.evidence.from', { resource: e.resourceName ?? e.resource ?? '', provider: e.provider ?? '' })}
      </span>
      {check ? (
        <span>
          {before}
          <Tag color={e.result ? 'success' : 'warning'}>{e.result ? t('common.yes') : t('common.no')}</Tag>
          {after}
        </span>
      ) : null}
      {e.fields?.length ? (
        <span>{t('data.evidence.fields', { fields: e.fields.join(t('workbench.fmt.listSep')) })}</span>
      ) : null}
      {e.at ? <span>{t('data.evidence.at', { at: formatTime(e.at) })}</span> : null}
      {e.requestId ? (
        <Typography.Text type="secondary">{t('data.evidence.requestId', { id: e.requestId })}</Typography.Text>
      ) : null}
      {(e.answerHashes ?? []).map((h) => (
        <Typography.Text key={h} code copyable={{ text: h }}>
          SHA-256 {h.slice(0, 16)}…
        </Typography.Text>
      ))}
    </Space>
  );
}
