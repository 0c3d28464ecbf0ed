/**
 * Serves autoscaling/v1 HPAs from the autoscaling/v2 store: same keys, converted on the way in
 * and out (hpa_v1.ts, loaded on the first v1 request: few clients ask for v1); field selectors
 * and columns read the stored (v2) form.
 */
import { storedFormColumns } from "../registry/columns.ts";
import type { ResourceType } from "../registry/types.ts";

export function installHpaV1(types: ResourceType[]): void {
  const hpa = (version: string) =>
    types.find((t) =>
      t.group === "autoscaling" && t.version === version && t.kind === "HorizontalPodAutoscaler"
    );
  const v2 = hpa("v2");
  const v1 = hpa("v1");
  if (!v2 || !v1) return;
  v1.storagePrefix = v2.storagePrefix;
  v1.storageVersion = v2.version;
  v1.fieldSelectors = v2.fieldSelectors;
  v1.firstUse = async () => {
    const { hpaV1Conversion } = await import("./hpa_v1.ts");
    v1.columns = storedFormColumns(v2.columns, hpaV1Conversion.toStored);
    v1.convert = hpaV1Conversion;
  };
}
