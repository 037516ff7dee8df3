import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {useTheme} from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** An animation only: it owns a timer for its frames and nothing else. */
export function Spinner() {
  const {c} = useTheme();
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(timer);
  }, []);
  return <Text color={c('cyan')}>{FRAMES[frame]}</Text>;
}
