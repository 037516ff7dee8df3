import {Box} from 'ink';
import {layout} from '../client/pane.js';
import type {AppState} from '../client/state.js';
import {InputLine} from './InputLine.js';
import {MemberList} from './MemberList.js';
import {MessagePane} from './MessagePane.js';
import {ModalView} from './Modals.js';
import {SalonList} from './SalonList.js';
import {StatusBar} from './StatusBar.js';

export function MainScreen({state, now}: {readonly state: AppState; readonly now: number}) {
  const {listWidth, membersWidth, paneWidth, paneHeight} = layout(state);
  return (
    <Box flexDirection="column" width={state.columns} height={state.rows}>
      <Box flexDirection="row" height={paneHeight + 2}>
        <SalonList state={state} width={listWidth} height={paneHeight} />
        {state.modal ? (
          <Box flexGrow={1} height={paneHeight + 2} flexDirection="column">
            <ModalView state={state} modal={state.modal} width={paneWidth + 2} height={paneHeight} now={now} />
          </Box>
        ) : (
          <MessagePane state={state} height={paneHeight} now={now} />
        )}
        {state.showMembers ? <MemberList state={state} width={membersWidth + 2} height={paneHeight} /> : null}
      </Box>
      <InputLine state={state} />
      <StatusBar state={state} />
    </Box>
  );
}
