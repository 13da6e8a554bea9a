// The lazily loaded part of calls: the controller and its screens.
import { CallController, type CallControllerOptions } from './call-controller';
import './calls.css';

export { CallOverlay } from './call-overlay';

export const createCallController = (options: CallControllerOptions): CallController =>
  new CallController(options);
