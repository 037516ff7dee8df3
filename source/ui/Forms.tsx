/** The sign-in and registration forms. */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {AppState, Notice} from '../client/state.js';
import type {ClientKey} from '../i18n/client.js';
import {useTheme} from './theme.js';

interface FieldProps {
  readonly label: string;
  readonly value: string;
  readonly focused: boolean;
  readonly secret?: boolean;
}

function Field({label, value, focused, secret = false}: FieldProps) {
  const {c} = useTheme();
  const shown = secret ? '•'.repeat([...value].length) : value;
  return (
    <Box>
      <Box width={28}>
        <Text bold={focused} color={c(focused ? 'cyan' : undefined)}>
          {focused ? '› ' : '  '}
          {label}
        </Text>
      </Box>
      <Text>
        {shown}
        {focused ? <Text inverse> </Text> : null}
      </Text>
    </Box>
  );
}

function Message({notice, tone}: {readonly notice: Notice | null | undefined; readonly tone: 'error' | 'info'}) {
  const {t, c} = useTheme();
  if (!notice) return null;
  return <Text color={c(tone === 'error' ? 'red' : 'green')}>{t(notice.key, notice.params)}</Text>;
}

function Frame({title, hint, children}: {readonly title: string; readonly hint: string; readonly children: ReactNode}) {
  const {c} = useTheme();
  return (
    <Box flexDirection="column" paddingX={1}>
      <Box borderStyle="round" borderColor={c('cyan')} flexDirection="column" paddingX={1}>
        <Text bold>{title}</Text>
        <Box flexDirection="column" marginY={1}>
          {children}
        </Box>
      </Box>
      <Text dimColor>{hint}</Text>
    </Box>
  );
}

export function LoginForm({state}: {readonly state: AppState}) {
  const {t} = useTheme();
  const form = state.login;
  return (
    <Frame title={t('login.title', {server: state.server})} hint={t('login.hint')}>
      <Field label={t('login.username')} value={form.username} focused={form.field === 0} />
      <Field label={t('login.password')} value={form.password} focused={form.field === 1} secret />
      <Box marginTop={1} flexDirection="column">
        {form.busy && <Text dimColor>{t('login.busy')}</Text>}
        <Message notice={state.ended} tone="error" />
        <Message notice={form.error} tone="error" />
        <Message notice={form.info} tone="info" />
      </Box>
    </Frame>
  );
}

const REGISTER_LABELS: readonly ClientKey[] = ['login.username', 'register.alias', 'login.password', 'register.confirm'];

export function RegisterForm({state}: {readonly state: AppState}) {
  const {t} = useTheme();
  const form = state.register;
  const values = [form.username, form.alias, form.password, form.confirm];
  return (
    <Frame title={t('register.title', {server: state.server})} hint={t('register.hint')}>
      {REGISTER_LABELS.map((label, i) => (
        <Field key={label} label={t(label)} value={values[i] ?? ''} focused={form.field === i} secret={i >= 2} />
      ))}
      <Box marginTop={1} flexDirection="column">
        {form.busy && <Text dimColor>{t('register.busy')}</Text>}
        <Message notice={form.error} tone="error" />
      </Box>
    </Frame>
  );
}
