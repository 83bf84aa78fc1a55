import { Alert, Modal } from 'antd';
import type { ReactNode } from 'react';

/**
 * The console's dialog that saves something: 取消 closes it, the OK button runs `onSave` and spins while `saving`;
 * `failure` (the API's message for the last save) is shown above the form.
 */
export function SaveDialog({
  title,
  okText,
  danger = false,
  open = true,
  saving,
  failure = null,
  onSave,
  onClose,
  children,
}: {
  title: string;
  okText: string;
  /** A red OK button, for refusing or removing. */
  danger?: boolean;
  open?: boolean;
  saving: boolean;
  failure?: string | null;
  onSave(): Promise<void>;
  onClose(): void;
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={danger ? { danger: true } : undefined}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void onSave()}
      onCancel={onClose}
      destroyOnHidden
    >
      {failure !== null && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      {children}
    </Modal>
  );
}
