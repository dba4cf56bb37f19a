;; The inner loop of the exact neighbour search on the CPU: candidate values for
;; 4 query rows × 8 reference rows at a time with WebAssembly SIMD integer dot
;; products (i32x4.dot_i16x8_s: two columns of four rows per instruction), each
;; row's K smallest kept in a sorted list. The caller (../wasm.ts) quantises
;; the rows, refines the candidates in float64 and proves them complete; nothing
;; here decides a result on its own.
;;
;; Layout (byte offsets passed by the caller; columns in pairs, a pair being
;; two int16 in one int32, the last pair padded with 0):
;; - queries, a block of quads: for quad t, column pair c, the 4 rows' pairs of
;;   −2·q: q + (t·dp + c)·16 (dp = column pairs).
;; - reference, groups of 8 rows: for group g, column pair c, the 8 rows' pairs:
;;   r + (g·dp + c)·32; their squared norms (int32): rn + g·32 (2³¹ − 1 for padding).
;; - per query row m of the block: its sorted candidate values (int32)
;;   hv + m·K·4 and their positions (g·8 + lane) hi + m·K·4; the list's last
;;   value is the row's threshold (2³¹ − 1 while the list is not full, −2³¹ for
;;   padding rows).
;;
;; The value of a pair is ‖r‖² − 2⟨q, r⟩ = ‖q − r‖² − ‖q‖², exact in int32 (the
;; caller scales so it cannot overflow); a pair enters the list only when
;; strictly below the threshold.
(module
  (memory (export "memory") 1)

  ;; Put (v, idx) into the sorted list at hv / hi of K entries (v is below its last value).
  (func $insert (param $hv i32) (param $hi i32) (param $K i32) (param $v i32) (param $idx i32)
    (local $p i32) (local $prev i32) (local $at i32)
    (local.set $p (i32.sub (local.get $K) (i32.const 1)))
    (block $done
      (loop $shift
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $at (i32.shl (i32.sub (local.get $p) (i32.const 1)) (i32.const 2)))
        (local.set $prev (i32.load (i32.add (local.get $hv) (local.get $at))))
        (br_if $done (i32.le_s (local.get $prev) (local.get $v)))
        (i32.store (i32.add (i32.add (local.get $hv) (local.get $at)) (i32.const 4)) (local.get $prev))
        (i32.store (i32.add (i32.add (local.get $hi) (local.get $at)) (i32.const 4))
          (i32.load (i32.add (local.get $hi) (local.get $at))))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $shift)))
    (local.set $at (i32.shl (local.get $p) (i32.const 2)))
    (i32.store (i32.add (local.get $hv) (local.get $at)) (local.get $v))
    (i32.store (i32.add (local.get $hi) (local.get $at)) (local.get $idx)))

  ;; One query row's lanes below its threshold (bit l of mask: lane l of the group's 8 values at
  ;; vals): each into the row's list at row (positions at the same offset from hi as row is from hv),
  ;; checked again against the threshold, which the earlier lanes may have lowered. Returns how many went in.
  (func $drain (param $mask i32) (param $vals i32) (param $row i32) (param $hv i32) (param $hi i32) (param $K i32) (param $g i32) (result i32)
    (local $l i32) (local $v i32) (local $n i32) (local $lastAt i32)
    (local.set $lastAt (i32.add (local.get $row) (i32.shl (i32.sub (local.get $K) (i32.const 1)) (i32.const 2))))
    (block $done
      (loop $bits
        (br_if $done (i32.eqz (local.get $mask)))
        (local.set $l (i32.ctz (local.get $mask)))
        (local.set $v (i32.load (i32.add (local.get $vals) (i32.shl (local.get $l) (i32.const 2)))))
        (if (i32.lt_s (local.get $v) (i32.load (local.get $lastAt)))
          (then
            (call $insert (local.get $row) (i32.add (local.get $hi) (i32.sub (local.get $row) (local.get $hv)))
              (local.get $K) (local.get $v) (i32.add (i32.shl (local.get $g) (i32.const 3)) (local.get $l)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
        (br $bits)))
    (local.get $n))

  ;; Scan quads [0, quads) of the query block against reference groups [g0, g1).
  ;; Returns how many candidates entered the lists (0: no threshold moved).
  (func (export "scan")
    (param $q i32) (param $quads i32) (param $hv i32) (param $hi i32) (param $K i32)
    (param $r i32) (param $rn i32) (param $g0 i32) (param $g1 i32) (param $dp i32) (param $scratch i32)
    (result i32)
    (local $t i32) (local $g i32) (local $c i32) (local $rp i32) (local $qp i32)
    (local $kb i32) (local $gstride i32) (local $qstride i32) (local $inserts i32)
    (local $hvm i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $r0 v128) (local $r1 v128) (local $s v128)
    (local.set $kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $gstride (i32.shl (local.get $dp) (i32.const 5)))
    (local.set $qstride (i32.shl (local.get $dp) (i32.const 4)))
    (block $quadsDone
      (loop $quadLoop
        (br_if $quadsDone (i32.ge_u (local.get $t) (local.get $quads)))
        ;; This quad's 4 lists start at hv + 4t·K·4; thresholds are their last values.
        (local.set $hvm (i32.add (local.get $hv) (i32.mul (i32.shl (local.get $t) (i32.const 2)) (local.get $kb))))
        (local.set $t0 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (local.get $kb)) (i32.const 4)))))
        (local.set $t1 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.shl (local.get $kb) (i32.const 1))) (i32.const 4)))))
        (local.set $t2 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.mul (local.get $kb) (i32.const 3))) (i32.const 4)))))
        (local.set $t3 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.shl (local.get $kb) (i32.const 2))) (i32.const 4)))))
        (local.set $g (local.get $g0))
        (block $groupsDone
          (loop $groupLoop
            (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $g1)))
            (local.set $a0 (v128.load (i32.add (local.get $rn) (i32.shl (local.get $g) (i32.const 5)))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $rn) (i32.shl (local.get $g) (i32.const 5)))))
            (local.set $a2 (local.get $a0)) (local.set $a4 (local.get $a0)) (local.set $a6 (local.get $a0))
            (local.set $a3 (local.get $a1)) (local.set $a5 (local.get $a1)) (local.set $a7 (local.get $a1))
            (local.set $rp (i32.add (local.get $r) (i32.mul (local.get $g) (local.get $gstride))))
            (local.set $qp (i32.add (local.get $q) (i32.mul (local.get $t) (local.get $qstride))))
            (local.set $c (local.get $dp))
            (loop $dims
              (local.set $r0 (v128.load (local.get $rp)))
              (local.set $r1 (v128.load offset=16 (local.get $rp)))
              (local.set $s (v128.load32_splat (local.get $qp)))
              (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $s) (local.get $r0))))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $s) (local.get $r1))))
              (local.set $s (v128.load32_splat offset=4 (local.get $qp)))
              (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $s) (local.get $r0))))
              (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $s) (local.get $r1))))
              (local.set $s (v128.load32_splat offset=8 (local.get $qp)))
              (local.set $a4 (i32x4.add (local.get $a4) (i32x4.dot_i16x8_s (local.get $s) (local.get $r0))))
              (local.set $a5 (i32x4.add (local.get $a5) (i32x4.dot_i16x8_s (local.get $s) (local.get $r1))))
              (local.set $s (v128.load32_splat offset=12 (local.get $qp)))
              (local.set $a6 (i32x4.add (local.get $a6) (i32x4.dot_i16x8_s (local.get $s) (local.get $r0))))
              (local.set $a7 (i32x4.add (local.get $a7) (i32x4.dot_i16x8_s (local.get $s) (local.get $r1))))
              (local.set $rp (i32.add (local.get $rp) (i32.const 32)))
              (local.set $qp (i32.add (local.get $qp) (i32.const 16)))
              (local.set $c (i32.sub (local.get $c) (i32.const 1)))
              (br_if $dims (local.get $c)))
            ;; Any of the 32 values below its row's threshold? (Rare once the lists fill.)
            (if (v128.any_true
                  (v128.or
                    (v128.or (v128.or (i32x4.lt_s (local.get $a0) (local.get $t0)) (i32x4.lt_s (local.get $a1) (local.get $t0)))
                             (v128.or (i32x4.lt_s (local.get $a2) (local.get $t1)) (i32x4.lt_s (local.get $a3) (local.get $t1))))
                    (v128.or (v128.or (i32x4.lt_s (local.get $a4) (local.get $t2)) (i32x4.lt_s (local.get $a5) (local.get $t2)))
                             (v128.or (i32x4.lt_s (local.get $a6) (local.get $t3)) (i32x4.lt_s (local.get $a7) (local.get $t3))))))
              (then
                (v128.store offset=0 (local.get $scratch) (local.get $a0))
                (v128.store offset=16 (local.get $scratch) (local.get $a1))
                (v128.store offset=32 (local.get $scratch) (local.get $a2))
                (v128.store offset=48 (local.get $scratch) (local.get $a3))
                (v128.store offset=64 (local.get $scratch) (local.get $a4))
                (v128.store offset=80 (local.get $scratch) (local.get $a5))
                (v128.store offset=96 (local.get $scratch) (local.get $a6))
                (v128.store offset=112 (local.get $scratch) (local.get $a7))
                (local.set $inserts (i32.add (local.get $inserts)
                  (call $drain (i32.or (i32x4.bitmask (i32x4.lt_s (local.get $a0) (local.get $t0)))
                                       (i32.shl (i32x4.bitmask (i32x4.lt_s (local.get $a1) (local.get $t0))) (i32.const 4)))
                    (local.get $scratch) (local.get $hvm) (local.get $hv) (local.get $hi) (local.get $K) (local.get $g))))
                (local.set $inserts (i32.add (local.get $inserts)
                  (call $drain (i32.or (i32x4.bitmask (i32x4.lt_s (local.get $a2) (local.get $t1)))
                                       (i32.shl (i32x4.bitmask (i32x4.lt_s (local.get $a3) (local.get $t1))) (i32.const 4)))
                    (i32.add (local.get $scratch) (i32.const 32)) (i32.add (local.get $hvm) (local.get $kb)) (local.get $hv) (local.get $hi) (local.get $K) (local.get $g))))
                (local.set $inserts (i32.add (local.get $inserts)
                  (call $drain (i32.or (i32x4.bitmask (i32x4.lt_s (local.get $a4) (local.get $t2)))
                                       (i32.shl (i32x4.bitmask (i32x4.lt_s (local.get $a5) (local.get $t2))) (i32.const 4)))
                    (i32.add (local.get $scratch) (i32.const 64)) (i32.add (local.get $hvm) (i32.shl (local.get $kb) (i32.const 1))) (local.get $hv) (local.get $hi) (local.get $K) (local.get $g))))
                (local.set $inserts (i32.add (local.get $inserts)
                  (call $drain (i32.or (i32x4.bitmask (i32x4.lt_s (local.get $a6) (local.get $t3)))
                                       (i32.shl (i32x4.bitmask (i32x4.lt_s (local.get $a7) (local.get $t3))) (i32.const 4)))
                    (i32.add (local.get $scratch) (i32.const 96)) (i32.add (local.get $hvm) (i32.mul (local.get $kb) (i32.const 3))) (local.get $hv) (local.get $hi) (local.get $K) (local.get $g))))
                (local.set $t0 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (local.get $kb)) (i32.const 4)))))
                (local.set $t1 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.shl (local.get $kb) (i32.const 1))) (i32.const 4)))))
                (local.set $t2 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.mul (local.get $kb) (i32.const 3))) (i32.const 4)))))
                (local.set $t3 (i32x4.splat (i32.load (i32.sub (i32.add (local.get $hvm) (i32.shl (local.get $kb) (i32.const 2))) (i32.const 4)))))))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $groupLoop)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $quadLoop)))
    (local.get $inserts))

  ;; The largest (‖q‖² + last value) over the block's first `rows` rows, as float64: the block's
  ;; search radius (squared, quantised units); +∞ while any list is not full. qn: int32 per row.
  (func (export "reach") (param $hv i32) (param $qn i32) (param $K i32) (param $rows i32) (result f64)
    (local $m i32) (local $last i32) (local $best f64) (local $v f64) (local $at i32)
    (local.set $best (f64.const -inf))
    (local.set $at (i32.add (local.get $hv) (i32.shl (i32.sub (local.get $K) (i32.const 1)) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $m) (local.get $rows)))
        (local.set $last (i32.load (local.get $at)))
        (if (i32.eq (local.get $last) (i32.const 0x7fffffff)) (then (return (f64.const inf))))
        (local.set $v (f64.add (f64.convert_i32_s (local.get $last))
          (f64.convert_i32_s (i32.load (i32.add (local.get $qn) (i32.shl (local.get $m) (i32.const 2)))))))
        (if (f64.gt (local.get $v) (local.get $best)) (then (local.set $best (local.get $v))))
        (local.set $at (i32.add (local.get $at) (i32.shl (local.get $K) (i32.const 2))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $each)))
    (local.get $best))
)
