#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=512
// V8 sizes its young generation (16 MB semi-spaces) and the old generation's first limits
// from the machine's memory, not from what the client keeps (a bounded window, ~25 MB of
// live heap): with defaults the client idles at 130-150 MB of garbage. These two flags keep
// it near 100 MB for a few more scavenges (bench: the client scenario); 512 MB is a safety
// cap, not a target. env -S splits the line (coreutils 8.30+, macOS, npm's cmd-shim);
// `node bin/chat.js` runs without them.
// React's development build keeps a performance entry for each component it renders (kBs
// per message received, never freed) and renders several times slower: the client always
// runs the production build, whatever the shell exports. Set before React loads.
process.env.NODE_ENV = 'production';
const {main} = await import('../build/source/cli/chat.js');
process.exit(await main());
