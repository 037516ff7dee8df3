/** The screens before the main one: connecting, sign in, registration. */
import {SERVER, apply, lines, plain, render, themed} from './helpers.js';
import test from 'ava';
import {initialState} from '../../source/client/state.js';
import {Connecting} from '../../source/ui/Connecting.js';
import {LoginForm, RegisterForm} from '../../source/ui/Forms.js';
import type {Lang} from '../../source/i18n/index.js';
import type {Action} from '../../source/client/reducer.js';

const loginState = (lang: Lang = 'en', ...actions: Action[]) => apply(initialState(lang, SERVER, ''), {type: 'link', link: 'online'}, {type: 'showLogin'}, ...actions);
const registerState = (...actions: Action[]) => apply(initialState('en', SERVER, ''), {type: 'showRegister'}, ...actions);
/** Types a value into the focused field, then moves to the next one. */
const fill = (form: 'login' | 'register', ...values: string[]): Action[] =>
  values.flatMap((value): Action[] => [{type: 'formInput', form, value}, {type: 'formNext', form, delta: 1}]);

function show(t: {teardown(fn: () => void): void}, node: Parameters<typeof themed>[0], lang: Lang = 'en') {
  const instance = render(themed(node, {lang}));
  t.teardown(() => instance.unmount());
  return plain(instance.lastFrame());
}

// ---- connecting --------------------------------------------------------------------------

test('connecting: a spinner and the server being reached', (t) => {
  const frame = show(t, <Connecting state={initialState('en', 'chat.example:5000')} />);
  t.regex(frame, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Connecting to chat\.example:5000…/);
  t.notRegex(frame, /Retrying/);
});

test('connecting: while reconnecting, the reason and the seconds before the next attempt', (t) => {
  const state = apply(initialState('en', 'chat.example:5000'), {type: 'link', link: 'reconnecting', retryIn: 7, error: {key: 'error.generic', params: {message: 'ECONNREFUSED'}}});
  const frame = show(t, <Connecting state={state} />);
  t.regex(frame, /Connecting to chat\.example:5000…/);
  t.regex(frame, /Cannot reach chat\.example:5000 \(ECONNREFUSED\)\. Retrying in 7 s… Ctrl\+C quits\./);
});

test('connecting: reconnecting without a known delay shows no retry line', (t) => {
  const frame = show(t, <Connecting state={apply(initialState('en', SERVER), {type: 'link', link: 'reconnecting'})} />);
  t.notRegex(frame, /Retrying/);
});

test('connecting: in French', (t) => {
  const state = apply(initialState('fr', SERVER), {type: 'link', link: 'reconnecting', retryIn: 3, error: {key: 'error.generic', params: {message: 'timeout'}}});
  const frame = show(t, <Connecting state={state} />, 'fr');
  t.regex(frame, /Connexion à chat\.example:5000…/);
  t.regex(frame, /Nouvel essai dans 3 s/);
});

// ---- sign in -----------------------------------------------------------------------------

test('login: title, both labels, the hint, and the focus on the username', (t) => {
  const frame = show(t, <LoginForm state={loginState()} />);
  t.regex(frame, /Sign in to chat\.example:5000/);
  t.regex(frame, /› Username/);
  t.regex(frame, /^\s*│\s+Password/m);
  t.regex(frame, /Enter: sign in · Tab: next field · Ctrl\+R: create an account/);
});

test('login: the password is shown as bullets, never as text', (t) => {
  const state = loginState('en', ...fill('login', 'alice'), {type: 'formInput', form: 'login', value: 'hunter2é'});
  const frame = show(t, <LoginForm state={state} />);
  t.regex(frame, /Username\s+alice/);
  t.regex(frame, /› Password\s+••••••••(?!•)/);
  t.false(frame.includes('hunter2'));
});

test('login: a username given on the command line focuses the password', (t) => {
  const state = apply(initialState('en', SERVER, 'bob'), {type: 'showLogin'});
  const frame = show(t, <LoginForm state={state} />);
  t.regex(frame, /Username\s+bob/);
  t.regex(frame, /› Password/);
});

test('login: wrong credentials', (t) => {
  const state = loginState('en', ...fill('login', 'alice', 'nope'), {type: 'formBusy', form: 'login'}, {type: 'formError', form: 'login', error: {key: 'error.INVALID_CREDENTIALS'}});
  const frame = show(t, <LoginForm state={state} />);
  t.regex(frame, /Wrong username or password\./);
  t.notRegex(frame, /Signing in…/);
  t.false(frame.includes('nope'));
});

test('login: busy while signing in', (t) => {
  const frame = show(t, <LoginForm state={loginState('en', ...fill('login', 'alice', 'pw'), {type: 'formBusy', form: 'login'})} />);
  t.regex(frame, /Signing in…/);
});

test('login: a kicked user is told how many minutes to wait', (t) => {
  const state = loginState('en', {type: 'formError', form: 'login', error: {key: 'error.KICKED', params: {minutes: 4}}});
  t.regex(show(t, <LoginForm state={state} />), /You were kicked: try again in 4 minute\(s\)\./);
});

test('login: other sign-in errors (banned, missing fields, server refusal)', (t) => {
  for (const [error, text] of [
    [{key: 'error.BANNED'}, /This account is banned\./],
    [{key: 'form.required'}, /Fill in every field\./],
    [{key: 'error.generic', params: {message: 'boom'}}, /Error: boom/],
  ] as const) {
    t.regex(show(t, <LoginForm state={loginState('en', {type: 'formError', form: 'login', error})} />), text);
  }
});

test('login: after registering, the new account is being signed in, and the form is ready should that fail', (t) => {
  const registered = apply(registerState(), {type: 'registered', username: 'newbie'});
  const frame = show(t, <LoginForm state={registered} />);
  t.regex(frame, /Signing in…/);
  t.regex(frame, /Account newbie created\./);
  t.regex(frame, /Username\s+newbie/);
  const failed = show(t, <LoginForm state={apply(registered, {type: 'formError', form: 'login', error: {key: 'error.CONNECTION_CLOSED'}})} />);
  t.regex(failed, /The connection was lost\./);
  t.notRegex(failed, /Signing in…/);
  t.regex(failed, /› Password/);
});

test('login: the end of a session, kicked or banned', (t) => {
  const kicked = apply(initialState('en', SERVER), {type: 'loggedIn', user: {id: 1, username: 'a', alias: 'A', role: 'user'}, salons: []}, {type: 'event', event: {event: 'kicked', minutes: 5, until: 0}, now: 0});
  t.is(kicked.screen, 'login');
  t.regex(show(t, <LoginForm state={kicked} />), /A moderator disconnected you until 00:05 \(5 minutes\)\./);
  const banned = apply(initialState('en', SERVER), {type: 'event', event: {event: 'banned'}, now: 0});
  t.regex(show(t, <LoginForm state={banned} />), /A moderator banned this account; it no longer exists\./);
});

test('login: in French', (t) => {
  const state = loginState('fr', {type: 'formError', form: 'login', error: {key: 'error.INVALID_CREDENTIALS'}});
  const frame = show(t, <LoginForm state={state} />, 'fr');
  t.regex(frame, /Connexion à chat\.example:5000/);
  t.regex(frame, /Nom d'utilisateur/);
  t.regex(frame, /Mot de passe/);
  t.regex(frame, /Nom d'utilisateur ou mot de passe incorrect\./);
});

// ---- registration ------------------------------------------------------------------------

test('register: four labelled fields, the first focused', (t) => {
  const frame = show(t, <RegisterForm state={registerState()} />);
  t.regex(frame, /Create an account on chat\.example:5000/);
  const labels = ['Username', 'Alias \\(shown to others\\)', 'Password', 'Confirm password'];
  for (const label of labels) t.regex(frame, new RegExp(label));
  t.regex(frame, /› Username/);
  t.regex(frame, /Esc: back to sign in/);
  // In order, one per line.
  const order = labels.map((label) => lines(frame).findIndex((line) => new RegExp(`[›│ ] ${label}`).test(line)));
  t.deepEqual([...order].sort((a, b) => a - b), order);
  t.is(new Set(order).size, 4);
});

test('register: password and confirmation are masked, username and alias are not', (t) => {
  const state = registerState(...fill('register', 'zoe', 'Zoé Z', 'sesame123'), {type: 'formInput', form: 'register', value: 'sesame124'});
  const frame = show(t, <RegisterForm state={state} />);
  t.regex(frame, /Username\s+zoe/);
  t.regex(frame, /Alias \(shown to others\)\s+Zoé Z/);
  t.regex(frame, /Password\s+•{9}/);
  t.regex(frame, /› Confirm password\s+•{9}/);
  t.false(frame.includes('sesame'));
});

test('register: validation errors', (t) => {
  for (const [error, text] of [
    [{key: 'form.usernameInvalid'}, /A username has 2 to 32 letters, digits, dots, dashes or underscores\./],
    [{key: 'form.aliasInvalid'}, /An alias has 1 to 32 letters/],
    [{key: 'form.passwordShort', params: {min: 8}}, /The password needs at least 8 characters\./],
    [{key: 'form.passwordMismatch'}, /The two passwords differ\./],
    [{key: 'error.USERNAME_TAKEN'}, /That username is taken\./],
  ] as const) {
    t.regex(show(t, <RegisterForm state={registerState({type: 'formError', form: 'register', error})} />), text);
  }
});

test('register: busy, then the error goes away when the user types', (t) => {
  t.regex(show(t, <RegisterForm state={registerState({type: 'formBusy', form: 'register'})} />), /Creating the account…/);
  const state = registerState({type: 'formError', form: 'register', error: {key: 'form.required'}}, {type: 'formInput', form: 'register', value: 'z'});
  t.notRegex(show(t, <RegisterForm state={state} />), /Fill in every field/);
});

test('login with the company directory: "directory unavailable" is not "wrong password", registration closed and a disabled account say why, in English and in French', (t) => {
  for (const [lang, error, text] of [
    ['en', 'error.DIRECTORY_UNAVAILABLE', /The company directory is unavailable; try again in a moment\./],
    ['fr', 'error.DIRECTORY_UNAVAILABLE', /L'annuaire de l'entreprise est indisponible ; réessayez dans un instant\./],
    ['en', 'error.REGISTRATION_CLOSED', /Accounts come from the company directory/],
    ['fr', 'error.REGISTRATION_CLOSED', /Les comptes viennent de l'annuaire de l'entreprise/],
    ['en', 'error.ACCOUNT_DISABLED', /This account is disabled in the company directory\./],
    ['fr', 'error.ACCOUNT_DISABLED', /Ce compte est désactivé dans l'annuaire de l'entreprise\./],
  ] as const) {
    const frame = show(t, <LoginForm state={loginState(lang, {type: 'formError', form: 'login', error: {key: error}})} />, lang);
    t.regex(frame, text);
    t.notRegex(frame, /Wrong username or password|mot de passe incorrect/);
  }
  const disabled = apply(initialState('fr', SERVER), {type: 'loggedIn', user: {id: 1, username: 'a', alias: 'A', role: 'user'}, salons: []}, {type: 'event', event: {event: 'disabled'}, now: 0});
  t.is(disabled.screen, 'login');
  t.regex(show(t, <LoginForm state={disabled} />, 'fr'), /Ce compte a été désactivé dans l'annuaire de l'entreprise ; vos messages restent\./);
});
