export { vetoTask as default } from "./emission.js";
