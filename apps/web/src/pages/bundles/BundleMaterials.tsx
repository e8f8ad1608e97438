import { UploadOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Space, Tag, Typography, Upload, type UploadFile } from 'antd';
import { type Dispatch, type SetStateAction, useState } from 'react';
import { errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { type FileMeta, fileSize, formatsOf, type GuideMaterial, uploadFile } from '../apply/model.ts';
import {
  asGuideMaterial,
  type BundleGuide,
  type BundleMaterial,
  type BundleMaterialValue,
  itemNameOf,
  type MemberGuides,
  uploadTarget,
  usedFor,
} from './model.ts';

const EMPTY: BundleMaterialValue = { files: [], commitment: false };

interface Props {
  guide: BundleGuide;
  /** The bundle materials needed for the applying members. */
  materials: BundleMaterial[];
  applying: Set<string>;
  memberGuides: MemberGuides;
  values: Record<string, BundleMaterialValue>;
  setValues: Dispatch<SetStateAction<Record<string, BundleMaterialValue>>>;
  errors: Record<string, string>;
  onTouched: (name: string) => void;
}

/**
 * The one set of materials of a bundle: each material once, with the items it is used for; a
 * material a prerequisite produces (RESULT) is shown as provided automatically, without an input.
 */
export function BundleMaterials({
  guide,
  materials,
  applying,
  memberGuides,
  values,
  setValues,
  errors,
  onTouched,
}: Props) {
  const { t, lang } = usePrefs();
  if (!materials.length) return <Typography.Paragraph>{t('apply.noMaterials')}</Typography.Paragraph>;
  const sep = lang === 'en' ? ', ' : '、';
  const update = (name: string, fn: (v: BundleMaterialValue) => BundleMaterialValue) => {
    setValues((prev) => ({ ...prev, [name]: fn(prev[name] ?? EMPTY) }));
    onTouched(name);
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {materials.map((m, i) => {
        const headingId = `yw-bundle-material-${i}`;
        const gm = asGuideMaterial(m, applying, memberGuides);
        const items = usedFor(guide, m, applying);
        const err = errors[m.name];
        const target = uploadTarget(m, applying);
        const value = values[m.name] ?? EMPTY;
        const result = m.fulfilment === 'RESULT';
        return (
          <Card
            key={m.code}
            size="small"
            role="group"
            aria-labelledby={headingId}
            className={err ? 'yw-material yw-material-error' : 'yw-material'}
            title={
              <Space wrap>
                <span id={headingId} className="yw-material-name">
                  {m.name}
                </span>
                {result ? (
                  <Tag color="green">{t('bundles.material.auto')}</Tag>
                ) : gm.required ? (
                  <Tag color="red">
                    <span aria-hidden="true">* </span>
                    {t('apply.requiredMark')}
                  </Tag>
                ) : (
                  <Tag>{t('apply.optionalMark')}</Tag>
                )}
                {m.fulfilment === 'COMMITMENT' ? <Tag>{t('services.fulfilment.COMMITMENT')}</Tag> : null}
              </Space>
            }
          >
            <Typography.Paragraph className="yw-bundle-usedfor" style={{ marginBottom: 8 }}>
              {t(items.length > 1 ? 'bundles.material.usedForMany' : 'bundles.material.usedFor', {
                items: items.join(sep),
              })}
            </Typography.Paragraph>
            {result ? (
              <Typography.Paragraph strong style={{ marginBottom: 0 }}>
                {t('bundles.material.producedBy', { item: itemNameOf(guide, m.producedBy ?? '') })}
              </Typography.Paragraph>
            ) : (
              <>
                {gm.acceptanceStandard && m.fulfilment !== 'COMMITMENT' ? (
                  <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                    {t('apply.acceptance', { text: gm.acceptanceStandard })}
                  </Typography.Paragraph>
                ) : null}
                {m.fulfilment === 'COMMITMENT' ? (
                  <>
                    <Checkbox
                      checked={value.commitment}
                      onChange={(e) => update(m.name, (v) => ({ ...v, commitment: e.target.checked }))}
                    >
                      <strong>{t('apply.commitLabel')}</strong>
                      {t('apply.commitText', { material: m.name })}
                    </Checkbox>
                    <details className="yw-upload-instead" open={value.files.length > 0}>
                      <summary>{t('apply.uploadInstead')}</summary>
                      <BundleUpload
                        label={m.name}
                        material={gm}
                        target={target}
                        files={value.files}
                        onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
                      />
                    </details>
                  </>
                ) : (
                  <BundleUpload
                    label={m.name}
                    material={gm}
                    target={target}
                    files={value.files}
                    onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
                  />
                )}
              </>
            )}
            {err ? (
              <Typography.Paragraph type="danger" role="alert" style={{ margin: '8px 0 0' }}>
                {err}
              </Typography.Paragraph>
            ) : null}
          </Card>
        );
      })}
    </Space>
  );
}

/** File upload of one bundle material, checked by the rules of the member material it satisfies first. */
function BundleUpload({
  label,
  material,
  target,
  files,
  onFiles,
}: {
  label: string;
  material: GuideMaterial;
  target: { taskCode: string; material: string } | null;
  files: FileMeta[];
  onFiles: (fn: (files: FileMeta[]) => FileMeta[]) => void;
}) {
  const { t, lang } = usePrefs();
  const [pending, setPending] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { exts, accept } = formatsOf(material);
  const mb = material.maxSizeMb ?? 20;

  const start = async (file: File & { uid?: string }) => {
    const uid = file.uid ?? `${Date.now()}-${file.name}`;
    setError(null);
    setPending((p) => [...p, { uid, name: file.name, status: 'uploading', percent: 50 }]);
    try {
      const meta = await uploadFile(file, target?.taskCode ?? '', target?.material ?? '');
      onFiles((fs) => [...fs, meta]);
    } catch (e) {
      setError(t('apply.uploadFailed', { message: errorText(e, lang) }));
    } finally {
      setPending((p) => p.filter((x) => x.uid !== uid));
    }
  };

  const fileList: UploadFile[] = [
    ...files.map(
      (f): UploadFile => ({
        uid: f.id,
        name: `${f.name}（${fileSize(f.size)}）`,
        status: 'done',
        url: `/api/v1/cases/files/${encodeURIComponent(f.id)}`,
      }),
    ),
    ...pending,
  ];

  return (
    <div>
      <Upload
        accept={accept}
        multiple
        fileList={fileList}
        beforeUpload={(file) => {
          void start(file);
          return Upload.LIST_IGNORE;
        }}
        onRemove={(f) => {
          onFiles((fs) => fs.filter((x) => x.id !== f.uid));
          return true;
        }}
      >
        <Button icon={<UploadOutlined />} aria-label={t('common.pair', { label: t('apply.upload'), value: label })}>
          {t('apply.upload')}
        </Button>
      </Upload>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
        {t('apply.limits', { formats: exts.map((e) => e.toUpperCase()).join(lang === 'en' ? ', ' : '、'), mb })}
      </Typography.Paragraph>
      {pending.length ? (
        <span className="yw-sr-only" role="status">
          {t('apply.uploading')}
        </span>
      ) : null}
      {error ? (
        <Typography.Paragraph type="danger" role="alert" style={{ margin: '8px 0 0' }}>
          {error}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
