import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Space,
  Tag,
  Tree,
} from 'antd';
import type { DataNode, EventDataNode } from 'antd/es/tree';
import { useCallback, useMemo, useState } from 'react';
import { api, applyFormError, errorText } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { SITE_KEY, useSite } from '../../site.ts';
import { ImportButton, PageTitle } from './common.tsx';

export interface Division {
  code: string;
  name: string;
  level: number | string;
  parentCode: string | null;
}

const ROOT = '__root__';

async function fetchChildren(parent: string): Promise<Division[]> {
  const res = await api.get<{ items: Division[] }>('/org/divisions', parent === ROOT ? undefined : { parent });
  return res.items;
}

export default function RegionsPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const [children, setChildren] = useState<Record<string, Division[]>>({});
  const [byCode, setByCode] = useState<Record<string, Division>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const [modal, setModal] = useState<'add' | 'rename' | null>(null);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const site = useSite(lang);
  const queryClient = useQueryClient();

  const load = useCallback(async (parent: string) => {
    const items = await fetchChildren(parent);
    setChildren((c) => ({ ...c, [parent]: items }));
    setByCode((m) => {
      const n = { ...m };
      for (const d of items) n[d.code] = d;
      return n;
    });
    return items;
  }, []);

  const roots = useQuery({ queryKey: ['divisions', 'roots'], queryFn: () => load(ROOT) });

  const treeData = useMemo(() => {
    const build = (parent: string): DataNode[] =>
      (children[parent] ?? []).map((d) => {
        const kids = children[d.code];
        return {
          key: d.code,
          title: (
            <>
              {d.name}（{d.code}）
              {d.code === site.code && (
                <Tag color="blue" style={{ marginInlineStart: 8 }}>
                  {t('regions.siteTag')}
                </Tag>
              )}
            </>
          ),
          isLeaf: kids !== undefined && kids.length === 0,
          children: kids && kids.length > 0 ? build(d.code) : undefined,
        };
      });
    return build(ROOT);
  }, [children, site.code, t]);

  const sel = selected ? byCode[selected] : undefined;

  const refreshParentOf = async (d: Division | undefined) => {
    await load(d?.parentCode ?? ROOT);
  };

  const submit = async (v: { code?: string; name: string }) => {
    setBusy(true);
    try {
      if (modal === 'add') {
        await api.post('/org/divisions', { code: v.code?.trim(), name: v.name.trim() });
        await load(sel ? sel.code : ROOT);
      } else if (modal === 'rename' && sel) {
        await api.patch(`/org/divisions/${sel.code}`, { name: v.name.trim() });
        await refreshParentOf(sel);
      }
      message.success(t('common.saved'));
      setModal(null);
      form.resetFields();
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!sel) return;
    try {
      await api.del(`/org/divisions/${sel.code}`);
      message.success(t('common.deleted'));
      setSelected(null);
      await refreshParentOf(sel);
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  const makeSite = async () => {
    if (!sel) return;
    try {
      await api.put('/org/site', { divisionCode: sel.code });
      await queryClient.invalidateQueries({ queryKey: SITE_KEY });
      message.success(t('regions.siteSet', { name: sel.name }));
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  const levelText = (lv: Division['level']) => {
    const key = `regions.level.${lv}` as MessageKey;
    const s = t(key);
    return s === key ? String(lv) : s;
  };

  return (
    <>
      <PageTitle>{t('admin.menu.regions')}</PageTitle>
      <div className="yw-toolbar">
        <Button
          type="primary"
          onClick={() => {
            form.resetFields();
            setModal('add');
          }}
        >
          {sel ? t('regions.addChild') : t('regions.addRoot')}
        </Button>
        <ImportButton path="/org/import/divisions" label={t('regions.import')} onDone={() => void load(ROOT)} />
      </div>
      {roots.isError && <Alert type="error" showIcon title={errorText(roots.error, lang)} />}
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Card title={<h2 className="yw-card-title">{t('regions.tree')}</h2>}>
            {treeData.length === 0 && !roots.isPending ? (
              <Empty />
            ) : (
              <Tree
                aria-label={t('regions.tree')}
                treeData={treeData}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => setSelected((keys[0] as string) ?? null)}
                loadData={async (node: EventDataNode<DataNode>) => {
                  if (children[String(node.key)] === undefined) await load(String(node.key));
                }}
                height={560}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} md={10}>
          <Card title={<h2 className="yw-card-title">{t('regions.details')}</h2>}>
            {sel ? (
              <>
                <Descriptions
                  column={1}
                  items={[
                    { key: 'code', label: t('regions.code'), children: sel.code },
                    { key: 'name', label: t('regions.name'), children: sel.name },
                    { key: 'level', label: t('regions.levelLabel'), children: levelText(sel.level) },
                    { key: 'parent', label: t('regions.parent'), children: sel.parentCode ?? t('common.none') },
                    ...(sel.code === site.code
                      ? [
                          {
                            key: 'site',
                            label: t('regions.site'),
                            children: <Tag color="blue">{t('regions.siteTag')}</Tag>,
                          },
                        ]
                      : []),
                  ]}
                />
                <Space wrap style={{ marginTop: 16 }}>
                  <Button
                    onClick={() => {
                      form.setFieldsValue({ name: sel.name });
                      setModal('rename');
                    }}
                  >
                    {t('regions.rename')}
                  </Button>
                  {sel.code !== site.code && (
                    <Popconfirm
                      title={t('regions.setSiteConfirm', { name: sel.name })}
                      onConfirm={() => void makeSite()}
                    >
                      <Button>{t('regions.setSite')}</Button>
                    </Popconfirm>
                  )}
                  <Popconfirm title={t('regions.deleteConfirm', { name: sel.name })} onConfirm={() => void remove()}>
                    <Button danger>{t('common.delete')}</Button>
                  </Popconfirm>
                </Space>
              </>
            ) : (
              <Empty description={t('regions.selectHint')} />
            )}
          </Card>
        </Col>
      </Row>
      <Modal
        open={modal !== null}
        title={
          modal === 'rename'
            ? t('regions.rename')
            : sel
              ? t('regions.addChildOf', { name: sel.name })
              : t('regions.addRoot')
        }
        onCancel={() => setModal(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form name="division" form={form} layout="vertical" onFinish={submit}>
          {modal === 'add' && (
            <Form.Item
              label={t('regions.code')}
              name="code"
              rules={[
                { required: true, message: t('form.required') },
                { pattern: /^\d{6}(\d{3}|\d{6})?$/, message: t('regions.codeInvalid') },
              ]}
              extra={t('regions.codeHelp')}
            >
              <Input inputMode="numeric" maxLength={12} />
            </Form.Item>
          )}
          <Form.Item
            label={t('regions.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
