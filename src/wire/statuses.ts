import * as z from 'zod/mini';
import { ANALYSIS_SOURCES, IMAGE_STATUSES } from './constants.js';

export {
  ANALYSIS_SOURCES,
  IMAGE_STATUSES,
  TERMINAL_STATUSES,
  VERDICTS,
  type TerminalStatus,
  type Verdict,
} from './constants.js';

export const ImageStatus = z.enum(IMAGE_STATUSES);
export const AnalysisSource = z.enum(ANALYSIS_SOURCES);
