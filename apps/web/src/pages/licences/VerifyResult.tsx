/** The answer of a public verification: a big verdict (colour + icon + text) and what the licence says. */
import {
  CheckCircleFilled,
  ClockCircleFilled,
  QuestionCircleFilled,
  StopFilled,
  WarningFilled,
} from '@ant-design/icons';
import { Card, Descriptions } from 'antd';
import type { ReactNode } from 'react';
import { usePrefs } from '../../i18n/index.tsx';
import { useLicenceTypes } from './bits.tsx';
import { dataKeys, dataLabels, dateTime, labelOf, type VerifyAnswer, validityText, valueText } from './model.ts';

const ICONS: Record<string, ReactNode> = {
  valid: <CheckCircleFilled aria-hidden />,
  expired: <ClockCircleFilled aria-hidden />,
  revoked: <StopFilled aria-hidden />,
  tampered: <WarningFilled aria-hidden />,
  unknown: <QuestionCircleFilled aria-hidden />,
};

export function Verdict({ status, note }: { status: string; note?: ReactNode }) {
  const { t } = usePrefs();
  return (
    <div className={`yw-verdict yw-verdict-${status}`} role="status" data-testid="verdict" data-status={status}>
      {ICONS[status] ?? ICONS.unknown}
      <div>
        <p className="yw-verdict-text">{labelOf(t, 'licences.verdict', status)}</p>
        <p className="yw-verdict-note">{note ?? labelOf(t, 'licences.verdictNote', status)}</p>
      </div>
    </div>
  );
}

export function VerifyResult({ answer, title }: { answer: VerifyAnswer; title?: string }) {
  const { t, lang } = usePrefs();
  const types = useLicenceTypes();
  const type = types.data?.find((x) => x.typeCode === answer.typeCode);
  const typeName = (lang === 'en' && type?.nameEn) || answer.typeName;
  const d = answer.disclosed ?? {};
  const data = (d.data && typeof d.data === 'object' ? d.data : null) as Record<string, unknown> | null;
  const labels = dataLabels(type, lang);
  const items = [
    ...(typeName ? [{ key: 'type', label: t('licences.f.type'), children: typeName }] : []),
    ...(answer.identifier
      ? [
          {
            key: 'identifier',
            label: t('licences.f.identifier'),
            children: <code className="yw-licence-code">{answer.identifier}</code>,
          },
        ]
      : []),
    ...(answer.issuerName
      ? [
          {
            key: 'issuer',
            label: t('licences.f.issuer'),
            children: answer.issuerCode ? `${answer.issuerName}（${answer.issuerCode}）` : answer.issuerName,
          },
        ]
      : []),
    ...(answer.issueDate ? [{ key: 'issueDate', label: t('licences.f.issueDate'), children: answer.issueDate }] : []),
    ...(answer.validFrom
      ? [
          {
            key: 'validity',
            label: t('licences.f.validity'),
            children: validityText(t, answer.validFrom, answer.validTo),
          },
        ]
      : []),
    ...(answer.version != null
      ? [{ key: 'version', label: t('licences.f.version'), children: t('licences.versionN', { n: answer.version }) }]
      : []),
    ...(answer.reason
      ? [{ key: 'reason', label: t('licences.v.reason'), children: labelOf(t, 'licences.reason', answer.reason) }]
      : []),
    ...(answer.statusReason
      ? [{ key: 'statusReason', label: t('licences.f.statusReason'), children: answer.statusReason }]
      : []),
    ...(typeof d.holderName === 'string'
      ? [{ key: 'holderName', label: t('licences.f.holderName'), children: d.holderName }]
      : []),
    ...(typeof d.holderCode === 'string'
      ? [{ key: 'holderCode', label: t('licences.f.holderCode'), children: d.holderCode }]
      : []),
    ...(typeof d.licenceNumber === 'string'
      ? [{ key: 'licenceNumber', label: t('licences.f.number'), children: d.licenceNumber }]
      : []),
    ...(data
      ? dataKeys(type, data).map((k) => ({ key: `data.${k}`, label: labels[k] ?? k, children: valueText(t, data[k]) }))
      : []),
    ...(answer.signer
      ? [
          { key: 'signer', label: t('licences.v.signer'), children: answer.signer.subject },
          { key: 'signerIssuer', label: t('licences.v.signerIssuer'), children: answer.signer.issuer },
          {
            key: 'serial',
            label: t('licences.v.certSerial'),
            children: <code className="yw-licence-code">{answer.signer.serial}</code>,
          },
          ...(answer.signer.algorithm
            ? [{ key: 'alg', label: t('licences.v.algorithm'), children: answer.signer.algorithm }]
            : []),
        ]
      : []),
    ...(answer.signedAt
      ? [{ key: 'signedAt', label: t('licences.v.signedAt'), children: dateTime(answer.signedAt) }]
      : []),
    ...(answer.trustedNode
      ? [{ key: 'trustedNode', label: t('licences.v.trustedNode'), children: answer.trustedNode }]
      : []),
    ...(answer.expiresAt
      ? [{ key: 'expiresAt', label: t('licences.v.showExpires'), children: dateTime(answer.expiresAt) }]
      : []),
  ];
  return (
    <Card title={<h2 className="yw-card-title">{title ?? t('licences.v.result')}</h2>} data-testid="verify-result">
      <Verdict
        status={answer.status}
        note={
          answer.status === 'valid' && answer.trustedNode
            ? t('licences.verdictNote.trusted', { node: answer.trustedNode })
            : undefined
        }
      />
      {items.length ? <Descriptions bordered size="small" column={1} items={items} /> : null}
    </Card>
  );
}
