import { App, Avatar, Button, Card, Col, Image, Modal, Row, Skeleton, Space, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { posterFileName, posterSurfaces, shopCodeFileName, type Guide, type PosterSurface, type StoredImage } from '@mall/shared';
import { asApiError, type ApiClient } from '../../api/client.ts';
import { useApi } from '../../api/context.tsx';
import { LoadFailedAlert } from '../../api/LoadFailedAlert.tsx';
import { useApiData } from '../../api/use-api-data.ts';
import { downloadFile } from '../../download.ts';

/** The guide's photo, or the first character of their name when they have none. */
export function GuideAvatar({ guide, size }: { guide: Pick<Guide, 'name' | 'avatarUrl'>; size?: number }) {
  const api = useApi();
  return guide.avatarUrl === null ? (
    <Avatar size={size} aria-label={`${guide.name}的头像`} style={{ backgroundColor: '#f7b2a8' }}>
      {Array.from(guide.name)[0]}
    </Avatar>
  ) : (
    <Avatar size={size} src={api.imageSrc({ url: guide.avatarUrl })} alt={`${guide.name}的头像`} />
  );
}

const posterLabels: Record<PosterSurface, string> = { weapp: '小程序海报', h5: 'H5 海报' };

/** One image with the button that saves its PNG (fetched with the staff token, under the API's file name). */
function AssetCard({
  title,
  image,
  width,
  fileName,
  fetchFile,
}: {
  title: string;
  image: StoredImage;
  width: number;
  fileName: string;
  fetchFile(): Promise<Blob>;
}) {
  const api = useApi();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);

  async function save() {
    setSaving(true);
    try {
      downloadFile(await fetchFile(), fileName);
    } catch (caught) {
      void message.error(`下载失败：${asApiError(caught).message}`);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card size="small" title={title} style={{ textAlign: 'center' }}>
      <Space orientation="vertical" align="center">
        <Image src={api.imageSrc(image)} width={width} alt={title} />
        <Button size="small" loading={saving} onClick={() => void save()} aria-label={`下载${title}`}>
          下载
        </Button>
      </Space>
    </Card>
  );
}

/**
 * 店铺码/海报 of a guide on duty: the mini-program code, the H5 link and the mini-program path to copy, and both
 * posters with their downloads. The API makes the images on the first request (a moment), then keeps them.
 */
export function ShopEntryDialog({ guide, onClose }: { guide: Guide; onClose(): void }) {
  const api = useApi();
  const loadAssets = useCallback((client: ApiClient) => client.guideShopAssets(guide.id), [guide.id]);
  const assets = useApiData(loadAssets);

  return (
    <Modal
      open
      width={760}
      title={`「${guide.name}」的店铺码与海报`}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          关闭
        </Button>
      }
    >
      {assets.status === 'loading' && <Skeleton active />}
      {assets.status === 'failed' && <LoadFailedAlert title="无法生成店铺码与海报" failed={assets} />}
      {assets.status === 'loaded' && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space align="center">
            <GuideAvatar guide={guide} size={48} />
            <Typography.Text strong>{guide.name}</Typography.Text>
            <Typography.Text type="secondary">
              {guide.storeName} · 导购码 {guide.code}
            </Typography.Text>
          </Space>
          <div>
            <Typography.Text type="secondary">H5 店铺链接</Typography.Text>
            <Typography.Paragraph copyable={{ text: assets.data.shopUrl }} style={{ marginBottom: 4 }}>
              <Typography.Link href={assets.data.shopUrl} target="_blank" rel="noreferrer">
                {assets.data.shopUrl}
              </Typography.Link>
            </Typography.Paragraph>
            <Typography.Text type="secondary">小程序路径</Typography.Text>
            <Typography.Paragraph copyable style={{ marginBottom: 0 }}>
              {assets.data.shopPath}
            </Typography.Paragraph>
          </div>
          <Row gutter={12}>
            <Col span={8}>
              <AssetCard
                title="小程序码"
                image={assets.data.miniProgramCode}
                width={160}
                fileName={shopCodeFileName(guide.code)}
                fetchFile={() => api.downloadGuideShopCode(guide.id)}
              />
            </Col>
            {posterSurfaces.map((surface) => (
              <Col span={8} key={surface}>
                <AssetCard
                  title={posterLabels[surface]}
                  image={assets.data.posters[surface]}
                  width={160}
                  fileName={posterFileName(guide.code, surface)}
                  fetchFile={() => api.downloadGuidePoster(guide.id, surface)}
                />
              </Col>
            ))}
          </Row>
        </Space>
      )}
    </Modal>
  );
}
