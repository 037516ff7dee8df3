/** The sign-in and registration forms, sent: checked here first, then by the server. */
import {ALIAS_PATTERN, USERNAME_PATTERN} from '../protocol/frames.js';
import {limits} from '../protocol/limits.js';
import {noticeOf} from './notices.js';
import type {Action} from './reducer.js';
import type {ChatSession} from './session.js';
import type {AppState, Notice} from './state.js';

/** The registration field a server refusal is about. */
const REGISTER_ERROR_FIELD: Record<string, number> = {USERNAME_TAKEN: 0, USERNAME_BANNED: 0, ALIAS_TAKEN: 1};

export async function submitLogin(session: ChatSession, getState: () => AppState, dispatch: (action: Action) => void, now: () => number = Date.now): Promise<void> {
  const {username, password} = getState().login;
  if (!username || !password) return dispatch({type: 'formError', form: 'login', error: {key: 'form.required'}});
  dispatch({type: 'formBusy', form: 'login'});
  try {
    await session.login(username.trim(), password);
  } catch (error) {
    // A kick says until when and why.
    dispatch({type: 'formError', form: 'login', error: noticeOf(error, {lang: getState().lang, now: now()})});
  }
}

export async function submitRegister(session: ChatSession, getState: () => AppState, dispatch: (action: Action) => void): Promise<void> {
  const {username, alias, password, confirm} = getState().register;
  // The cursor goes to the field to correct, so that the next Enter sends the form again.
  const fail = (error: Notice, field?: number) => dispatch({type: 'formError', form: 'register', error, ...(field === undefined ? {} : {field})});
  const empty = [username, alias, password, confirm].findIndex((value) => !value);
  if (empty >= 0) return fail({key: 'form.required'}, empty);
  if (username.length < limits.usernameMin || username.length > limits.usernameMax || !USERNAME_PATTERN.test(username)) return fail({key: 'form.usernameInvalid'}, 0);
  if ([...alias].length > limits.aliasMax || !ALIAS_PATTERN.test(alias)) return fail({key: 'form.aliasInvalid'}, 1);
  if (password.length < limits.passwordMin) return fail({key: 'form.passwordShort', params: {min: limits.passwordMin}}, 2);
  if (password !== confirm) return fail({key: 'form.passwordMismatch'}, 3);
  dispatch({type: 'formBusy', form: 'register'});
  try {
    await session.request('register', {username, alias, password});
  } catch (error) {
    return fail(noticeOf(error), REGISTER_ERROR_FIELD[(error as {code?: string}).code ?? '']);
  }
  // Nobody creates an account to type the password a third time: sign in with it at once.
  // Should that fail (a lost connection), the sign-in form is there with the name filled in.
  dispatch({type: 'registered', username});
  try {
    await session.login(username, password);
    dispatch({type: 'flash', notice: {key: 'register.welcome', params: {username}}});
  } catch (error) {
    dispatch({type: 'formError', form: 'login', error: noticeOf(error)});
  }
}
