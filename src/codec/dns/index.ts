export { nameLabels, labelsWireLength, writeLabels, encodeName, readName } from './dns-name.ts';
